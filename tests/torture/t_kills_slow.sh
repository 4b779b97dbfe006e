#!/bin/bash
# t_kills_slow: t_kills with a slow node login (a ~/.bashrc sleeping 0-400
# ms at random on every node); sizes SLOW_JOBS and SLOW_KILLS.
TORTURE_SLOW_LOGIN=1 exec bash "$(dirname "$0")/t_kills.sh"
