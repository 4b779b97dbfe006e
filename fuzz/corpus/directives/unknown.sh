#SBATCH --frobnicate -- - foo -t
