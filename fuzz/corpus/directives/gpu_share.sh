#!/bin/sh
#SBATCH --gpus 1
#SBATCH --gpu-mem=10G
#SBATCH --gpu-share
#HERD --gpu-share=yes
#SBATCH --gpu-shar
#SBATCH --gpus 2 --gpu-share
echo hi
