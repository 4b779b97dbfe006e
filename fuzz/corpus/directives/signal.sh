B:SIGUSR1@65535
#!/bin/sh
#SBATCH --time=0:30
#SBATCH --signal=B:USR1@10
#SBATCH --signal=R:sigusr2@0
#SBATCH --sig=10
#SBATCH --signal=USR1@65536
#SBATCH --signal=SEGV
#SBATCH --signal=@
#SBATCH --signal=RB:
#SBATCH --signal=USR1@99999999999999999999999
echo hi
