S
#HERD --service web --restart=always --max-restarts 3 --port
#HERD --health-http /healthz --health-interval 5s
#SBATCH -G1
exec python3 -m http.server "$HERD_PORT"
