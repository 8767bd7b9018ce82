# SPDX-License-Identifier: MIT
#
# Rules shared by the command-line tools: tools/<name>/Makefile sets TOOL to
# <name> and includes this file; <name>.c is linked statically against
# libvsvm.a and libdrm.
#   make [TOP=<repo root>] [CC=...]
#   make clean

TOP ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
PKG_CONFIG ?= pkg-config

LIBVSVM_DIR := $(TOP)/tools/lib/vsvm
LIBVSVM := $(LIBVSVM_DIR)/libvsvm.a

CFLAGS ?= -O2 -g
VSVM_CFLAGS := -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	-I$(LIBVSVM_DIR) -I$(TOP)/include/uapi $(shell $(PKG_CONFIG) --cflags libdrm)
DRM_LIBS := $(shell $(PKG_CONFIG) --libs --static libdrm)

all: $(TOOL)

$(TOOL): $(TOOL).c $(LIBVSVM_DIR)/libvsvm.h $(TOP)/include/uapi/drm/vsvm_drm.h $(LIBVSVM)
	$(CC) $(CFLAGS) $(VSVM_CFLAGS) $(LDFLAGS) -static -o $@ $< $(LIBVSVM) $(DRM_LIBS)

# Only builds a missing library; tools/Makefile rebuilds it first when stale.
$(LIBVSVM):
	$(MAKE) -C $(LIBVSVM_DIR) libvsvm.a

clean:
	rm -f $(TOOL)

.PHONY: all clean
