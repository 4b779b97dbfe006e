#!/bin/sh
#SBATCH --mem=0 --mem 0G --mem=0K
#SBATCH --hint=nomultithread --hint=
#SBATCH --mem-per-cpu=0 --mem=00000000000000000000 --mem-per-gpu=4G -G a100:2 --cpus-per-gpu=4096
#SBATCH -C "v100-16g" -x ip-26-0-159-215,ip-26-0-153-238 -w node[01]
echo hi
