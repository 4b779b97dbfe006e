#!/bin/sh
#SBATCH --tasks 2 --cpus-per=3 --work /tmp
#SBATCH -N 1-4 --share
echo
