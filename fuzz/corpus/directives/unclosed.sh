#SBATCH --job-name="unclosed
