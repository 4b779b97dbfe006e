S
#SBATCH -t 5
#HERD --restart always
#SBATCH --service x
#HERD --service "$(id)" --port=1 --health-cmd 'ab'
