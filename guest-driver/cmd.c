// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: the command interface.
 *
 * One coherent DMA buffer holds a struct nfpe_cmd_hdr and the request;
 * the device writes the result and the response into the same buffer,
 * stores the sequence number in NFPE_REG_CMD_DONE and raises
 * NFPE_IRQ_CMD_DONE on vector 0.  One command is in flight at a time
 * (cmd_lock).  A command the device does not finish in time makes the
 * driver reset the device (nfpe_schedule_reset()).
 */
#include <linux/kernel.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/errno.h>

#include "nfpe.h"

#define NFPE_CMD_BUF_DEFAULT	4096
#define NFPE_CMD_BUF_LIMIT	65536
#define NFPE_CMD_POLL_MS	20

/* the device's errno numbers are Linux's: hw.h fixes them */
static void __maybe_unused nfpe_cmd_errno_check(void)
{
	BUILD_BUG_ON(NFPE_EPERM != EPERM);
	BUILD_BUG_ON(NFPE_ENOENT != ENOENT);
	BUILD_BUG_ON(NFPE_EIO != EIO);
	BUILD_BUG_ON(NFPE_E2BIG != E2BIG);
	BUILD_BUG_ON(NFPE_ENOMEM != ENOMEM);
	BUILD_BUG_ON(NFPE_EACCES != EACCES);
	BUILD_BUG_ON(NFPE_EFAULT != EFAULT);
	BUILD_BUG_ON(NFPE_EBUSY != EBUSY);
	BUILD_BUG_ON(NFPE_EEXIST != EEXIST);
	BUILD_BUG_ON(NFPE_EINVAL != EINVAL);
	BUILD_BUG_ON(NFPE_ENOSPC != ENOSPC);
	BUILD_BUG_ON(NFPE_ERANGE != ERANGE);
	BUILD_BUG_ON(NFPE_EOPNOTSUPP != EOPNOTSUPP);
}

int nfpe_cmd_init(struct nfpe_dev *nn)
{
	u32 len = nn->caps.cmd_buf_max ?: NFPE_CMD_BUF_DEFAULT;

	len = clamp_t(u32, len, sizeof(struct nfpe_cmd_hdr) + 64,
		      NFPE_CMD_BUF_LIMIT);
	len = round_down(len, 8);
	mutex_init(&nn->cmd_lock);
	init_completion(&nn->cmd_done);
	nn->cmd_buf = dma_alloc_coherent(&nn->pdev->dev, len, &nn->cmd_dma,
					 GFP_KERNEL);
	if (!nn->cmd_buf)
		return -ENOMEM;
	nn->cmd_buf_len = len;
	nfpe_cmd_program(nn);
	return 0;
}

/* (Re)program the buffer registers: needed after every device reset. */
void nfpe_cmd_program(struct nfpe_dev *nn)
{
	nfpe_wr(nn, NFPE_REG_CMD_ADDR_LO, lower_32_bits(nn->cmd_dma));
	nfpe_wr(nn, NFPE_REG_CMD_ADDR_HI, upper_32_bits(nn->cmd_dma));
	nfpe_wr(nn, NFPE_REG_CMD_BUF_LEN, nn->cmd_buf_len);
}

void nfpe_cmd_free(struct nfpe_dev *nn)
{
	if (!nn->cmd_buf)
		return;
	dma_free_coherent(&nn->pdev->dev, nn->cmd_buf_len, nn->cmd_buf,
			  nn->cmd_dma);
	nn->cmd_buf = NULL;
}

/* Vector 0 saw NFPE_IRQ_CMD_DONE. */
void nfpe_cmd_irq(struct nfpe_dev *nn)
{
	complete(&nn->cmd_done);
}

static bool nfpe_cmd_finished(struct nfpe_dev *nn, u32 seq)
{
	return nfpe_rd(nn, NFPE_REG_CMD_DONE) == seq;
}

/* Wait for the completion interrupt; poll CMD_DONE to survive a lost one. */
static int nfpe_cmd_wait(struct nfpe_dev *nn, u32 seq, unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	long left;

	for (;;) {
		left = wait_for_completion_timeout(&nn->cmd_done,
						   msecs_to_jiffies(NFPE_CMD_POLL_MS));
		if (left && nfpe_cmd_finished(nn, seq))
			return 0;
		if (nfpe_cmd_finished(nn, seq)) {
			/* done, but the interrupt did not come */
			nn->drv.lost_irqs++;
			return 0;
		}
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
	}
}

/**
 * nfpe_cmd_exec() - run one device command
 * @nn: the device
 * @op: enum nfpe_cmd_op
 * @req: request payload (after the header), little-endian as hw.h says
 * @req_len: its length in bytes
 * @rsp: buffer for the response payload, or NULL
 * @rsp_len: its size in bytes
 * @timeout_ms: how long to wait; 0 for the default
 *
 * Sleeps.  The device's result is returned as a negative errno; a command
 * the device does not finish in time returns -ETIMEDOUT and schedules a
 * device reset.
 *
 * Return: the number of response bytes the device produced (at most
 * @rsp_len were copied to @rsp), or a negative errno.
 */
int nfpe_cmd_exec(struct nfpe_dev *nn, u16 op, const void *req, u32 req_len,
		  void *rsp, u32 rsp_len, unsigned int timeout_ms)
{
	struct nfpe_cmd_hdr *hdr = nn->cmd_buf;
	u32 max_payload = nn->cmd_buf_len - sizeof(*hdr);
	u32 seq, dev_rsp_len;
	s32 result;
	int err;

	if (req_len > max_payload)
		return -E2BIG;
	if (!timeout_ms)
		timeout_ms = NFPE_CMD_TIMEOUT_MS;

	mutex_lock(&nn->cmd_lock);
	if (test_bit(NFPE_S_DEAD, &nn->state)) {
		err = -ENODEV;
		goto out;
	}

	seq = ++nn->cmd_seq;
	if (!seq)
		seq = ++nn->cmd_seq;

	memset(hdr, 0, sizeof(*hdr));
	hdr->op = cpu_to_le16(op);
	hdr->len = cpu_to_le32(sizeof(*hdr) + req_len);
	hdr->seq = cpu_to_le32(seq);
	if (req_len)
		memcpy(hdr + 1, req, req_len);

	reinit_completion(&nn->cmd_done);
	/* writel orders the buffer writes before the doorbell */
	nfpe_wr(nn, NFPE_REG_CMD_DOORBELL, seq);

	err = nfpe_cmd_wait(nn, seq, timeout_ms);
	if (err) {
		nn->drv.cmd_timeouts++;
		dev_err(&nn->pdev->dev,
			"command %u (seq %u) timed out after %u ms: resetting the device\n",
			op, seq, timeout_ms);
		nfpe_schedule_reset(nn, "command timeout");
		goto out;
	}

	dma_rmb();
	if (le32_to_cpu(hdr->seq) != seq) {
		dev_err(&nn->pdev->dev, "command %u: device answered seq %u, expected %u\n",
			op, le32_to_cpu(hdr->seq), seq);
		err = -EIO;
		goto out;
	}
	result = (s32)le32_to_cpu(hdr->result);
	dev_rsp_len = le32_to_cpu(hdr->rsp_len);
	if (result) {
		nn->drv.cmd_errors++;
		err = (result < 0 && result >= -MAX_ERRNO) ? result : -EIO;
		/* a refusal may explain itself (LOAD_IMAGE: insn, reason) */
		if (rsp && rsp_len && dev_rsp_len <= max_payload)
			memcpy(rsp, hdr + 1, min(rsp_len, dev_rsp_len));
		goto out;
	}
	if (dev_rsp_len > max_payload) {
		dev_err(&nn->pdev->dev, "command %u: response of %u bytes exceeds the %u-byte buffer\n",
			op, dev_rsp_len, max_payload);
		err = -EIO;
		goto out;
	}
	if (rsp && rsp_len)
		memcpy(rsp, hdr + 1, min(rsp_len, dev_rsp_len));
	err = dev_rsp_len;
out:
	mutex_unlock(&nn->cmd_lock);
	return err;
}

/* Self-test: ECHO returns the payload with every byte inverted. */
int nfpe_cmd_echo_test(struct nfpe_dev *nn)
{
	u8 req[64], rsp[64];
	int i, ret;

	for (i = 0; i < sizeof(req); i++)
		req[i] = (u8)(i * 37 + 11);
	memset(rsp, 0, sizeof(rsp));
	ret = nfpe_cmd_exec(nn, NFPE_CMD_ECHO, req, sizeof(req), rsp,
			    sizeof(rsp), 0);
	if (ret < 0)
		return ret;
	if (ret != sizeof(req))
		return -EIO;
	for (i = 0; i < sizeof(req); i++)
		if (rsp[i] != (u8)~req[i])
			return -EIO;
	return 0;
}
