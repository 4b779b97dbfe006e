#!/bin/bash
#SBATCH --job-name=crlf
#SBATCH --gres=gpu:a100:2,nvme:1
#SBATCH --mem 1.5G