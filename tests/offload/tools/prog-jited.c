// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prog-jited: write the jited image of a BPF program (by id) to stdout.
 *
 * Debian's bpftool has no libbfd, and `bpftool prog dump jited` refuses to
 * run without it even with `file`, so the offload tests read the image the
 * driver stored in prog->aux->offload->jited_image with
 * BPF_OBJ_GET_INFO_BY_FD themselves.  Linked statically: the guest has
 * only the libraries ip/tc/bpftool need.
 *
 *   prog-jited ID > image
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uint64_t)(uintptr_t)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
}

int main(int argc, char **argv)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	unsigned char *buf;
	uint32_t len;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: prog-jited ID > image\n");
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = (uint32_t)strtoul(argv[1], NULL, 0);
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0) {
		fprintf(stderr, "prog-jited: program %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	memset(&info, 0, sizeof(info));
	if (prog_info(fd, &info)) {
		fprintf(stderr, "prog-jited: info: %s\n", strerror(errno));
		return 1;
	}
	len = info.jited_prog_len;
	if (!len) {
		fprintf(stderr, "prog-jited: program %s has no jited image\n",
			argv[1]);
		return 1;
	}
	buf = calloc(1, len);
	if (!buf)
		return 1;
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = len;
	info.jited_prog_insns = (uint64_t)(uintptr_t)buf;
	if (prog_info(fd, &info)) {
		fprintf(stderr, "prog-jited: info: %s\n", strerror(errno));
		return 1;
	}
	if (fwrite(buf, 1, len, stdout) != len)
		return 1;
	free(buf);
	close(fd);
	return 0;
}
