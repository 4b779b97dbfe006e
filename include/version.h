/*
 * version.h — herd's version, printed by `herd --version` and herdd.
 */
#ifndef HERD_VERSION_H
#define HERD_VERSION_H

#define HERD_VERSION "0.2.0"

#endif
