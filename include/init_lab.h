/*
 * init_lab.h — what herd init --lab prints once the file is written: the
 * administrator's remaining steps (README "Set up a lab": the service
 * account, the file in /etc/herd, starting herdd), the line each user's
 * authorized_keys gets, and each user's one command.
 */
#ifndef HERD_INIT_LAB_H
#define HERD_INIT_LAB_H

struct config;

/* cfg: the written file as config_load read it (path = where it is). */
void init_lab_steps(const struct config *cfg, const char *probe_user, int gpus);

#endif
