#!/bin/sh
#SBATCH --mail-type=BEGIN,END,TIME_LIMIT_80
#SBATCH --mail-user=lab+x@example.org
#HERD --mail-type=ALL,ARRAY_TASKS
#SBATCH --mail-type=NONE,END
#SBATCH --mail-user=-oX
#SBATCH --mail-t=,,
true
