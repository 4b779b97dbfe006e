#SBATCH --gres=gpu:a100:2,nvme:1
#SBATCH --gpus=rtx3090:2 --gres=none --nodes=3-2
