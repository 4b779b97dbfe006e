#!/bin/bash
#SBATCH --gres=gpu:4
#SBATCH --time=3:00
#SBATCH --mem=125G
#SBATCH --exclusive
nvidia-smi
