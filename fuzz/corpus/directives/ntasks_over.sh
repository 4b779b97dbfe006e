#SBATCH -n 4000 -c 2 --ntasks-per-node=3
