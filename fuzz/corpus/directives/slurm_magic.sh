#!/bin/sh
#SLURM --nice=3
#SLURM	-c 2 -J "a b"
#SLURMX -c 9
##SLURM -c 9
#SBATCH -t 5
#SLURM --partition=gpu
echo hi
#SLURM --gpus=2
