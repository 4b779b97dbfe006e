#!/bin/sh
#SBATCH --exclusive=user --comment="a \"b\" c"
#SLURM -s -M test,all
#SBATCH --exclusive=mcs
#SBATCH --comment=[31m
