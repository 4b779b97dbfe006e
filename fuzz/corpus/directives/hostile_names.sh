#SBATCH --=x
#SBATCH ---x
#SBATCH --c 2 --w x
