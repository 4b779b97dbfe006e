#!/bin/sh
#HERD -G a100:2 -c4 -t 1-02:03:04 -J "my job" -o 'out %j'  # comment
##SBATCH --gpus=9
# SBATCH x

#SBATCH -HQt10 -N2
echo
#SBATCH -c 9
