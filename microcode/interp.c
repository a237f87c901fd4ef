/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * interp.c - the flow-processing core's interpreter.
 *
 * Threaded dispatch: every pre-decoded instruction (struct nfpe_dinsn)
 * holds the address of its handler, a label in interp() (GCC/clang
 * labels-as-values), and each handler ends with `goto *(++ip)->h`.  The
 * validator has proved every register index, branch target, CSR number,
 * shift amount, engine command and constant stack address valid, so the
 * handlers check nothing but what depends on run-time values: dynamic
 * memory addresses, map slots held in registers, the return stack and the
 * instruction budget.  Frequent pairs of instructions share one handler
 * (superinstructions, see NFPE_FUSED2): one dispatch for two.
 *
 * Accounting (see internal.h): instruction and cycle totals are added per
 * straight-line run when control arrives at a run's first instruction, so
 * straight-line handlers do no bookkeeping; a fault subtracts the part of
 * the run that did not execute.  The budget is checked at the same points:
 * a run that would take the packet past caps->insn_budget instructions is
 * not entered, so a program never executes more than the budget and the
 * counts reported are exactly the instructions that executed.
 */
#include "internal.h"

/* Memory in every space is little-endian, as the eBPF programs expect. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define le16(x) (x)
#define le32(x) (x)
#define le64(x) (x)
#else
/* AADD on MAP space adds in host order; a port needs a CAS loop there. */
#error "nfp-ebpf microcode: big-endian hosts are not supported yet"
#endif

static inline uint32_t mem_ld8(const uint8_t *p)
{
	return *p;
}

static inline uint32_t mem_ld16(const uint8_t *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, 2);
	return le16(v);
}

static inline uint32_t mem_ld32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return le32(v);
}

static inline void mem_st8(uint8_t *p, uint32_t v)
{
	*p = (uint8_t)v;
}

static inline void mem_st16(uint8_t *p, uint32_t v)
{
	uint16_t x = le16((uint16_t)v);

	__builtin_memcpy(p, &x, 2);
}

static inline void mem_st32(uint8_t *p, uint32_t v)
{
	uint32_t x = le32(v);

	__builtin_memcpy(p, &x, 4);
}

/* ---- packet-length engines (Linux 6.1 bpf_xdp_adjust_*) ----------- */

/*
 * The packet CSRs are set by nfpe_pkt_setup() and changed only here; a
 * host that wrote nonsense into them gets -EINVAL rather than a wild
 * access.
 */
static int pkt_csrs_sane(const struct nfpe_thread *t, uint32_t pktsz)
{
	return t->csr[NFPE_CSR_PKT_META] <= t->csr[NFPE_CSR_PKT_DATA] &&
	       t->csr[NFPE_CSR_PKT_DATA] <= t->csr[NFPE_CSR_PKT_END] &&
	       t->csr[NFPE_CSR_PKT_END] <= pktsz;
}

static int64_t adj_head(struct nfpe_thread *t, uint32_t pktsz, int32_t delta)
{
	uint32_t data = t->csr[NFPE_CSR_PKT_DATA];
	uint32_t end = t->csr[NFPE_CSR_PKT_END];
	uint32_t meta = t->csr[NFPE_CSR_PKT_META];
	int64_t metalen, nd;

	if (!pkt_csrs_sane(t, pktsz))
		return -NFPE_EINVAL;
	metalen = data - meta;
	nd = (int64_t)data + delta;
	if (nd < NFPE_PKT_RESERVED + metalen ||
	    nd > (int64_t)end - NFPE_ETH_HLEN)
		return -NFPE_EINVAL;
	/* the metadata area moves along with the data (memmove) */
	if (metalen) {
		uint8_t *src = t->pkt + meta, *dst = src + delta;
		int64_t i;

		if (delta < 0)
			for (i = 0; i < metalen; i++)
				dst[i] = src[i];
		else
			for (i = metalen; i-- > 0;)
				dst[i] = src[i];
	}
	t->csr[NFPE_CSR_PKT_META] = (uint32_t)((int64_t)meta + delta);
	t->csr[NFPE_CSR_PKT_DATA] = (uint32_t)nd;
	t->csr[NFPE_CSR_PKT_LEN] = end - (uint32_t)nd;
	return 0;
}

static int64_t adj_tail(struct nfpe_thread *t, uint32_t pktsz, int32_t delta)
{
	uint32_t data = t->csr[NFPE_CSR_PKT_DATA];
	uint32_t end = t->csr[NFPE_CSR_PKT_END];
	int64_t ne = (int64_t)end + delta;

	if (!pkt_csrs_sane(t, pktsz))
		return -NFPE_EINVAL;
	if (ne > (int64_t)pktsz)
		return -NFPE_EINVAL;
	if (ne < (int64_t)data + NFPE_ETH_HLEN)
		return -NFPE_EINVAL;
	/* grown bytes are zeroed: they may hold a previous packet */
	if (delta > 0)
		__builtin_memset(t->pkt + end, 0, (uint32_t)delta);
	t->csr[NFPE_CSR_PKT_END] = (uint32_t)ne;
	t->csr[NFPE_CSR_PKT_LEN] = (uint32_t)ne - data;
	return 0;
}

static int64_t adj_meta(struct nfpe_thread *t, uint32_t pktsz, int32_t delta)
{
	uint32_t data = t->csr[NFPE_CSR_PKT_DATA];
	int64_t nm = (int64_t)t->csr[NFPE_CSR_PKT_META] + delta;
	int64_t metalen;

	if (!pkt_csrs_sane(t, pktsz))
		return -NFPE_EINVAL;
	if (nm < NFPE_PKT_RESERVED || nm > (int64_t)data)
		return -NFPE_EINVAL;
	metalen = (int64_t)data - nm;
	if ((metalen & 3) || metalen > NFPE_XDP_META_MAX)
		return -NFPE_EACCES;
	t->csr[NFPE_CSR_PKT_META] = (uint32_t)nm;
	return 0;
}

/* ---- handler table ------------------------------------------------ */

/*
 * One handler per opcode (named after it), plus specialised ones chosen
 * at load: LM accesses with base rz (the validator proved the constant
 * address inside the stack: no check), the CYCLES CSR, and one per
 * engine command.
 */
#define NFPE_EXTRA_HANDLERS(X)						\
	X(LDA_LM8) X(LDA_LM16) X(LDA_LM32) X(LDA_LM64)			\
	X(STA_LM8) X(STA_LM16) X(STA_LM32) X(STA_LM64)			\
	X(CSRRD_CYC)

/*
 * Superinstructions: the most frequent pairs (and one triple) of
 * handlers in the JIT's output (MAC/byte copies, the `mov; add; bgt`
 * packet bounds check, load-and-compare, constant set-up, 64-bit
 * add/addc pairs).  A fused handler at instruction i runs the bodies of
 * i, i+1 (, i+2) one after the other, advancing ip between them, so a
 * fault in any part is reported at its own instruction with the same
 * accounting; it is chosen only when i (and i+1) do not end a run, so
 * the per-run instruction and cycle totals are untouched.  i+1 keeps its
 * own handler for branches that land on it.
 */
#define NFPE_FUSED2(X)							\
	X(LD_PKT8, ST_PKT8) X(ST_PKT8, LD_PKT8)				\
	X(LD_MAP8, ST_PKT8) X(ST_PKT8, LD_MAP8)				\
	X(IMMED, IMMED) X(IMMED, MOV) X(MOV, IMMED)			\
	X(MOV, ADDI) X(ADDI, BGT) X(MOV, ANDI) X(ANDI, SHRI)		\
	X(MOV, SHRI) X(SHRI, ST_PKT8) X(LD_PKT8, SHLI) X(SHLI, OR)	\
	X(CSRRD, CSRRD) X(CSRRD, MOV)					\
	X(LD_PKT32, ST_LM32) X(LD_PKT16, ST_LM16)			\
	X(LD_PKT8, BNEI) X(LD_PKT8, BEQI) X(LD_PKT16, BNEI)		\
	X(LD_PKT16, BEQI) X(ADD, ADDC) X(ADDI, ADDCI)
#define NFPE_FUSED3(X)							\
	X(MOV, ADDI, BGT)

enum {
#define NFPE_X_H(e, ...) H_##e,
	NFPE_OPCODES(NFPE_X_H)
	NFPE_EXTRA_HANDLERS(NFPE_X_H)
#undef NFPE_X_H
#define NFPE_X_F2(x, y) H_F_##x##__##y,
	NFPE_FUSED2(NFPE_X_F2)
#undef NFPE_X_F2
#define NFPE_X_F3(x, y, z) H_F_##x##__##y##__##z,
	NFPE_FUSED3(NFPE_X_F3)
#undef NFPE_X_F3
#define NFPE_X_HE(e, v, m) H_E_##e,
	NFPE_ENGINES(NFPE_X_HE)
#undef NFPE_X_HE
	H_NUM
};

static const uint16_t op_handler[256] = {
#define NFPE_X_OPH(e, v, m, f) [v] = H_##e,
	NFPE_OPCODES(NFPE_X_OPH)
#undef NFPE_X_OPH
};

static const uint16_t eng_handler[NFPE_ENG_NUM] = {
#define NFPE_X_EH(e, v, m) [v] = H_E_##e,
	NFPE_ENGINES(NFPE_X_EH)
#undef NFPE_X_EH
};

static const struct {
	uint16_t h[3], fused;	/* h[2] == H_NUM: a pair */
} fused_tab[] = {
#define NFPE_X_T3(x, y, z) { { H_##x, H_##y, H_##z }, H_F_##x##__##y##__##z },
	NFPE_FUSED3(NFPE_X_T3)		/* triples first: longest match */
#undef NFPE_X_T3
#define NFPE_X_T2(x, y) { { H_##x, H_##y, H_NUM }, H_F_##x##__##y },
	NFPE_FUSED2(NFPE_X_T2)
#undef NFPE_X_T2
};

int nfpe__interp_no_fuse;

/*
 * code[i..].h hold plain handler numbers (not yet label addresses);
 * returns the handler for instruction i.  run_n == 1 marks the last
 * instruction of a run (prog.c).
 */
#define HID(k)	((uint16_t)(uintptr_t)code[k].h)
static uint16_t select_fused(const struct nfpe_dinsn *code, uint32_t i,
			     uint32_t n)
{
	uint32_t k;

	if (nfpe__interp_no_fuse || code[i].run_n == 1 || i + 1 >= n)
		return HID(i);
	for (k = 0; k < sizeof(fused_tab) / sizeof(fused_tab[0]); k++) {
		if (fused_tab[k].h[0] != HID(i) ||
		    fused_tab[k].h[1] != HID(i + 1))
			continue;
		if (fused_tab[k].h[2] == H_NUM)
			return fused_tab[k].fused;
		if (code[i + 1].run_n > 1 && i + 2 < n &&
		    fused_tab[k].h[2] == HID(i + 2))
			return fused_tab[k].fused;
	}
	return HID(i);
}
#undef HID

static uint16_t select_handler(uint8_t op, const struct nfpe_dinsn *di)
{
	if (NFPE_OP_IS_MEM(op) && NFPE_OP_MEM_SPACE(op) == NFPE_SPACE_LM &&
	    di->a == NFPE_RZ_IDX) {
		if (NFPE_OP_MEM_KIND(op) == 0)
			return H_LDA_LM8 + NFPE_OP_MEM_LOG2(op);
		if (NFPE_OP_MEM_KIND(op) == 1)
			return H_STA_LM8 + NFPE_OP_MEM_LOG2(op);
	}
	if (op == NFPE_OP_CSRRD && di->imm == NFPE_CSR_CYCLES)
		return H_CSRRD_CYC;
	if (op == NFPE_OP_ENG)
		return eng_handler[di->tgt];	/* validated: 1..NUM-1 */
	return op_handler[op];
}

/* ---- the interpreter ---------------------------------------------- */

static inline void counter_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

/* t == NULL: prepare p's handlers instead of running. */
static void interp(struct nfpe_prog *p, const struct nfpe_env *env,
		   struct nfpe_thread *t, struct nfpe_run_result *res)
{
	static const void *const labels[H_NUM] = {
#define NFPE_X_L(e, ...) [H_##e] = &&L_##e,
		NFPE_OPCODES(NFPE_X_L)
		NFPE_EXTRA_HANDLERS(NFPE_X_L)
#undef NFPE_X_L
#define NFPE_X_LE(e, v, m) [H_E_##e] = &&L_E_##e,
		NFPE_ENGINES(NFPE_X_LE)
#undef NFPE_X_LE
#define NFPE_X_LF2(x, y) [H_F_##x##__##y] = &&L_F_##x##__##y,
		NFPE_FUSED2(NFPE_X_LF2)
#undef NFPE_X_LF2
#define NFPE_X_LF3(x, y, z) \
		[H_F_##x##__##y##__##z] = &&L_F_##x##__##y##__##z,
		NFPE_FUSED3(NFPE_X_LF3)
#undef NFPE_X_LF3
	};
	const struct nfpe_caps *caps;
	struct nfpe_dinsn *const code = p->code;
	const struct nfpe_dinsn *ip;
	struct nfpe_maps *maps;
	uint32_t *regs;
	uint8_t *lm, *pkt, *mapmem = NULL;
	uint64_t lmsz, pktsz, mapsz = 0, issue = 0, stall = 0;
	uint32_t left, carry, status, ret = 0, fault_addr = 0, sp = 0;
	uint32_t rstack[NFPE_CALL_DEPTH];

	if (!t) {
		uint32_t i;

		/* opcode -> plain handler number -> label address */
		for (i = 0; i < p->n_insns; i++) {
			struct nfpe_dinsn *di = &code[i];
			uint8_t op = (uint8_t)(uintptr_t)di->h;

			di->h = (const void *)(uintptr_t)select_handler(op, di);
			/*
			 * Engines other than maps: tgt (the command, now in
			 * the handler) becomes the fixed latency.  Map
			 * commands take theirs from the map (prog.c).
			 */
			if (op == NFPE_OP_ENG && di->tgt > NFPE_ENG_MAP_DELETE)
				di->tgt = nfpe__eng_latency(di->tgt, 0, 0);
		}
		for (i = 0; i < p->n_insns; i++)
			code[i].h = labels[select_fused(code, i, p->n_insns)];
		return;
	}

	caps = env && env->caps ? env->caps : &p->caps;
	maps = env ? env->maps : NULL;
	if (maps && maps == p->maps) {
		mapmem = p->mapmem;	/* cached at load */
		mapsz = p->mapsz;
	} else if (maps) {
		uint32_t size = 0;

		mapmem = nfpe_maps_mem(maps, &size);
		mapsz = mapmem ? size : 0;
		/* map commands need the maps the program was bound to */
		maps = NULL;
	}
	regs = t->gpr;
	regs[NFPE_RZ_IDX] = 0;
	lm = t->lm;
	pkt = t->pkt;
	lmsz = nfpe__lm_size(caps);
	pktsz = nfpe__pkt_size(caps);
	left = caps->insn_budget;
	carry = t->carry & 1;

#define D	regs[ip->d]
#define D1	regs[ip->d + 1]
#define A	regs[ip->a]
#define B	regs[ip->b]
#define IMM	(ip->imm)
#define DISPATCH()	goto *ip->h
#define NEXT()		do { ip++; DISPATCH(); } while (0)
#define ENTER()								\
	do {								\
		if (NFPE_UNLIKELY(ip->run_n > left))			\
			goto out_budget;				\
		left -= ip->run_n;					\
		issue += ip->run_cost;					\
		stall += ip->run_stall;					\
	} while (0)
#define JUMP(idx)	do { ip = code + (idx); ENTER(); DISPATCH(); } while (0)
/* An instruction in the middle of a run faults: undo the rest of it. */
#define FAULT(addr)	do { fault_addr = (addr); goto out_fault_mid; } while (0)

	ip = code + p->entry;
	ENTER();
	DISPATCH();

	/* ---- moves and ALU ---- */
L_NOP:
	NEXT();
L_MOV:
	D = A;
	NEXT();
L_IMMED:
	D = IMM;
	NEXT();

#define ADD_BODY(y, cin)						\
	do {								\
		uint64_t s_ = (uint64_t)A + (y) + (cin);		\
		carry = (uint32_t)(s_ >> 32);				\
		D = (uint32_t)s_;					\
	} while (0)
#define ADD_OP(name, y, cin)	L_##name: ADD_BODY(y, cin); NEXT();
	ADD_OP(ADD, B, 0)
	ADD_OP(ADDI, IMM, 0)
	ADD_OP(ADDC, B, carry)
	ADD_OP(ADDCI, IMM, carry)

/* d = x - y - bin; carry = borrow out */
#define SUB_OP(name, x, y, bin)						\
L_##name: {								\
		uint32_t sx = (x), sy = (y), sb = (bin);		\
		carry = (uint64_t)sx < (uint64_t)sy + sb;		\
		D = sx - sy - sb;					\
		NEXT();							\
	}
	SUB_OP(SUB, A, B, 0)
	SUB_OP(SUBI, A, IMM, 0)
	SUB_OP(SUBB, A, B, carry)
	SUB_OP(SUBBI, A, IMM, carry)
	SUB_OP(RSUBI, IMM, A, 0)
	SUB_OP(RSUBBI, IMM, A, carry)

#define BIN_OP(name, expr)	L_##name: D = (expr); NEXT();
	BIN_OP(AND, A & B)
	BIN_OP(ANDI, A & IMM)
	BIN_OP(OR, A | B)
	BIN_OP(ORI, A | IMM)
	BIN_OP(XOR, A ^ B)
	BIN_OP(XORI, A ^ IMM)
	BIN_OP(SHL, A << (B & 31))
	BIN_OP(SHLI, A << IMM)
	BIN_OP(SHR, A >> (B & 31))
	BIN_OP(SHRI, A >> IMM)
	BIN_OP(ASR, (uint32_t)((int32_t)A >> (B & 31)))
	BIN_OP(ASRI, (uint32_t)((int32_t)A >> IMM))
	BIN_OP(MUL, A * B)
	BIN_OP(MULI, A * IMM)
	BIN_OP(MULHU, (uint32_t)(((uint64_t)A * B) >> 32))
	BIN_OP(MULHUI, (uint32_t)(((uint64_t)A * IMM) >> 32))
	BIN_OP(BSWAP16, __builtin_bswap16((uint16_t)A))
	BIN_OP(BSWAP32, __builtin_bswap32(A))

#define DSH_OP(name, n, left_shift)					\
L_##name: {								\
		uint32_t x = A, y = B, k = (n);				\
		if (left_shift)						\
			D = k ? (x << k) | (y >> (32 - k)) : x;		\
		else							\
			D = k ? (y >> k) | (x << (32 - k)) : y;		\
		NEXT();							\
	}
	DSH_OP(DSHL, regs[ip->c] & 31, 1)
	DSH_OP(DSHLI, IMM, 1)
	DSH_OP(DSHR, regs[ip->c] & 31, 0)
	DSH_OP(DSHRI, IMM, 0)

/* eBPF rules: x / 0 = 0, x % 0 = x */
#define DIV_OP(name, y, is_mod)						\
L_##name: {								\
		uint32_t x = A, z = (y);				\
		D = is_mod ? (z ? x % z : x) : (z ? x / z : 0);		\
		NEXT();							\
	}
	DIV_OP(DIVU, B, 0)
	DIV_OP(DIVUI, IMM, 0)
	DIV_OP(MODU, B, 1)
	DIV_OP(MODUI, IMM, 1)

/* pairs: validated a, b, d <= r30 (never rz) */
#define DIV64_OP(name, y, is_mod)					\
L_##name: {								\
		uint64_t x = (uint64_t)A | (uint64_t)regs[ip->a + 1] << 32; \
		uint64_t z = (y), q;					\
		q = is_mod ? (z ? x % z : x) : (z ? x / z : 0);		\
		D = (uint32_t)q;					\
		D1 = (uint32_t)(q >> 32);				\
		NEXT();							\
	}
	DIV64_OP(DIVU64, (uint64_t)B | (uint64_t)regs[ip->b + 1] << 32, 0)
	DIV64_OP(DIVU64I, (uint64_t)IMM, 0)
	DIV64_OP(MODU64, (uint64_t)B | (uint64_t)regs[ip->b + 1] << 32, 1)
	DIV64_OP(MODU64I, (uint64_t)IMM, 1)

	/* ---- branches: a taken branch costs one more issue cycle ---- */
#define BR_BODY(cond)							\
	do {								\
		if (cond) {						\
			issue++;					\
			JUMP(ip->tgt);					\
		}							\
		ip++;							\
		ENTER();						\
		DISPATCH();						\
	} while (0)
#define BR_OP(name, cond)	L_##name: BR_BODY(cond);
	BR_OP(BEQ, A == B)
	BR_OP(BEQI, A == IMM)
	BR_OP(BNE, A != B)
	BR_OP(BNEI, A != IMM)
	BR_OP(BGT, A > B)
	BR_OP(BGTI, A > IMM)
	BR_OP(BGE, A >= B)
	BR_OP(BGEI, A >= IMM)
	BR_OP(BLT, A < B)
	BR_OP(BLTI, A < IMM)
	BR_OP(BLE, A <= B)
	BR_OP(BLEI, A <= IMM)
	BR_OP(BSGT, (int32_t)A > (int32_t)B)
	BR_OP(BSGTI, (int32_t)A > (int32_t)IMM)
	BR_OP(BSGE, (int32_t)A >= (int32_t)B)
	BR_OP(BSGEI, (int32_t)A >= (int32_t)IMM)
	BR_OP(BSLT, (int32_t)A < (int32_t)B)
	BR_OP(BSLTI, (int32_t)A < (int32_t)IMM)
	BR_OP(BSLE, (int32_t)A <= (int32_t)B)
	BR_OP(BSLEI, (int32_t)A <= (int32_t)IMM)
	BR_OP(BSET, (A & B) != 0)
	BR_OP(BSETI, (A & IMM) != 0)
	BR_OP(BCLR, (A & B) == 0)
	BR_OP(BCLRI, (A & IMM) == 0)

L_BR:
	JUMP(ip->tgt);
L_CALL:
	if (NFPE_UNLIKELY(sp == NFPE_CALL_DEPTH)) {
		fault_addr = sp;
		goto out_fault;
	}
	rstack[sp++] = (uint32_t)(ip - code) + 1;
	JUMP(ip->tgt);
L_RET:
	if (NFPE_UNLIKELY(sp == 0)) {
		fault_addr = 0;
		goto out_fault;
	}
	JUMP(rstack[--sp]);
L_EXIT:
	ret = A;
	status = NFPE_RUN_OK;
	goto out;

	/* ---- memory ---- */
#define IN_LM(addr, n)	((uint64_t)(addr) + (n) <= lmsz)
#define IN_PKT(addr, n)	((uint64_t)(addr) + (n) <= pktsz)
#define IN_MAP(addr, n)	((addr) >= NFPE_MAP_RESERVED && \
			 (uint64_t)(addr) + (n) <= mapsz)
/* Host address of n bytes at addr in address space sp, or NULL. */
#define SPACE_PTR(sp, addr, n)						\
	((sp) == NFPE_SPACE_LM ? (IN_LM(addr, n) ? lm + (addr) : NULL) :	\
	 (sp) == NFPE_SPACE_PKT ? (IN_PKT(addr, n) ? pkt + (addr) : NULL) : \
	 (IN_MAP(addr, n) ? mapmem + (addr) : NULL))

#define LD_BODY(base, inb, n, ld)					\
	do {								\
		uint32_t addr_ = A + IMM;				\
		if (NFPE_UNLIKELY(!inb(addr_, n)))			\
			FAULT(addr_);					\
		D = ld(base + addr_);					\
	} while (0)
#define LD_OP(name, base, inb, n, ld)					\
	L_##name: LD_BODY(base, inb, n, ld); NEXT();
#define LD64_OP(name, base, inb)					\
L_##name: {								\
		uint32_t addr = A + IMM;				\
		if (NFPE_UNLIKELY(!inb(addr, 8)))			\
			FAULT(addr);					\
		D = mem_ld32(base + addr);				\
		D1 = mem_ld32(base + addr + 4);				\
		NEXT();							\
	}
#define ST_BODY(base, inb, n, st)					\
	do {								\
		uint32_t addr_ = A + IMM;				\
		if (NFPE_UNLIKELY(!inb(addr_, n)))			\
			FAULT(addr_);					\
		st(base + addr_, B);					\
	} while (0)
#define ST_OP(name, base, inb, n, st)					\
	L_##name: ST_BODY(base, inb, n, st); NEXT();
#define ST64_OP(name, base, inb)					\
L_##name: {								\
		uint32_t addr = A + IMM;				\
		if (NFPE_UNLIKELY(!inb(addr, 8)))			\
			FAULT(addr);					\
		mem_st32(base + addr, B);				\
		mem_st32(base + addr + 4, regs[ip->c]);			\
		NEXT();							\
	}
	LD_OP(LD_LM8, lm, IN_LM, 1, mem_ld8)
	LD_OP(LD_LM16, lm, IN_LM, 2, mem_ld16)
	LD_OP(LD_LM32, lm, IN_LM, 4, mem_ld32)
	LD64_OP(LD_LM64, lm, IN_LM)
	LD_OP(LD_PKT8, pkt, IN_PKT, 1, mem_ld8)
	LD_OP(LD_PKT16, pkt, IN_PKT, 2, mem_ld16)
	LD_OP(LD_PKT32, pkt, IN_PKT, 4, mem_ld32)
	LD64_OP(LD_PKT64, pkt, IN_PKT)
	LD_OP(LD_MAP8, mapmem, IN_MAP, 1, mem_ld8)
	LD_OP(LD_MAP16, mapmem, IN_MAP, 2, mem_ld16)
	LD_OP(LD_MAP32, mapmem, IN_MAP, 4, mem_ld32)
	LD64_OP(LD_MAP64, mapmem, IN_MAP)
	ST_OP(ST_LM8, lm, IN_LM, 1, mem_st8)
	ST_OP(ST_LM16, lm, IN_LM, 2, mem_st16)
	ST_OP(ST_LM32, lm, IN_LM, 4, mem_st32)
	ST64_OP(ST_LM64, lm, IN_LM)
	ST_OP(ST_PKT8, pkt, IN_PKT, 1, mem_st8)
	ST_OP(ST_PKT16, pkt, IN_PKT, 2, mem_st16)
	ST_OP(ST_PKT32, pkt, IN_PKT, 4, mem_st32)
	ST64_OP(ST_PKT64, pkt, IN_PKT)
	ST_OP(ST_MAP8, mapmem, IN_MAP, 1, mem_st8)
	ST_OP(ST_MAP16, mapmem, IN_MAP, 2, mem_st16)
	ST_OP(ST_MAP32, mapmem, IN_MAP, 4, mem_st32)
	ST64_OP(ST_MAP64, mapmem, IN_MAP)

	/* absolute LM (base rz): address validated inside the stack */
L_LDA_LM8:
	D = mem_ld8(lm + IMM);
	NEXT();
L_LDA_LM16:
	D = mem_ld16(lm + IMM);
	NEXT();
L_LDA_LM32:
	D = mem_ld32(lm + IMM);
	NEXT();
L_LDA_LM64:
	D = mem_ld32(lm + IMM);
	D1 = mem_ld32(lm + IMM + 4);
	NEXT();
L_STA_LM8:
	mem_st8(lm + IMM, B);
	NEXT();
L_STA_LM16:
	mem_st16(lm + IMM, B);
	NEXT();
L_STA_LM32:
	mem_st32(lm + IMM, B);
	NEXT();
L_STA_LM64:
	mem_st32(lm + IMM, B);
	mem_st32(lm + IMM + 4, regs[ip->c]);
	NEXT();

	/* atomic add: naturally aligned addresses only, as in eBPF */
L_AADD_LM32: {
		uint32_t addr = A + IMM;

		if (NFPE_UNLIKELY(!IN_LM(addr, 4) || (addr & 3)))
			FAULT(addr);
		mem_st32(lm + addr, mem_ld32(lm + addr) + B);
		NEXT();
	}
L_AADD_LM64: {
		uint32_t addr = A + IMM;
		uint64_t v;

		if (NFPE_UNLIKELY(!IN_LM(addr, 8) || (addr & 7)))
			FAULT(addr);
		v = (uint64_t)mem_ld32(lm + addr) |
		    (uint64_t)mem_ld32(lm + addr + 4) << 32;
		v += (uint64_t)B | (uint64_t)regs[ip->c] << 32;
		mem_st32(lm + addr, (uint32_t)v);
		mem_st32(lm + addr + 4, (uint32_t)(v >> 32));
		NEXT();
	}
L_AADD_MAP32: {
		uint32_t addr = A + IMM;

		if (NFPE_UNLIKELY(!IN_MAP(addr, 4) ||
				  ((uintptr_t)(mapmem + addr) & 3)))
			FAULT(addr);
		__atomic_fetch_add((uint32_t *)(void *)(mapmem + addr),
				   le32(B), __ATOMIC_RELAXED);
		NEXT();
	}
L_AADD_MAP64: {
		uint32_t addr = A + IMM;

		if (NFPE_UNLIKELY(!IN_MAP(addr, 8) ||
				  ((uintptr_t)(mapmem + addr) & 7)))
			FAULT(addr);
		__atomic_fetch_add((uint64_t *)(void *)(mapmem + addr),
				   le64((uint64_t)B |
					(uint64_t)regs[ip->c] << 32),
				   __ATOMIC_RELAXED);
		NEXT();
	}

	/* ---- CSRs ---- */
L_CSRRD:
	D = t->csr[IMM];
	NEXT();
L_CSRRD_CYC:
	/* exact: everything up to and including this instruction */
	D = (uint32_t)(issue - ip[1].run_cost + stall - ip[1].run_stall);
	NEXT();
L_CSRWR:
	t->csr[IMM] = A;
	NEXT();

	/* ---- engines: args a, a+2, a+4, a+6; result d:d+1 ---- */
#define ENG_RESULT(v)							\
	do {								\
		uint64_t r_ = (uint64_t)(v);				\
		D = (uint32_t)r_;					\
		D1 = (uint32_t)(r_ >> 32);				\
	} while (0)
L_ENG:
	/* never selected: every engine has its own handler */
	FAULT(IMM);
L_E_MAP_LOOKUP: {
		uint32_t slot = A, kaddr = regs[ip->a + 2];
		const struct nfpe_prog_map *m;
		const uint8_t *kp;

		if (NFPE_UNLIKELY(!maps || slot >= p->n_maps))
			FAULT(slot);
		m = &p->map[slot];
		kp = SPACE_PTR(ip->b & 3, kaddr, m->key_size);
		if (NFPE_UNLIKELY(!kp))
			FAULT(kaddr);
		ENG_RESULT(nfpe_map_prog_lookup(maps, m->map_id, kp, t->core));
		stall += m->lat_lookup;
		NEXT();
	}
L_E_MAP_UPDATE: {
		uint32_t slot = A, kaddr = regs[ip->a + 2];
		uint32_t vaddr = regs[ip->a + 4], flags = regs[ip->a + 6];
		const struct nfpe_prog_map *m;
		const uint8_t *kp, *vp;

		if (NFPE_UNLIKELY(!maps || slot >= p->n_maps))
			FAULT(slot);
		m = &p->map[slot];
		kp = SPACE_PTR(ip->b & 3, kaddr, m->key_size);
		if (NFPE_UNLIKELY(!kp))
			FAULT(kaddr);
		vp = SPACE_PTR((ip->b >> NFPE_ENG_F_VAL_SHIFT) & 3, vaddr,
			      m->value_size);
		if (NFPE_UNLIKELY(!vp))
			FAULT(vaddr);
		ENG_RESULT((int64_t)nfpe_map_prog_update(maps, m->map_id, kp,
							 vp, flags, t->core));
		stall += m->lat_update;
		NEXT();
	}
L_E_MAP_DELETE: {
		uint32_t slot = A, kaddr = regs[ip->a + 2];
		const struct nfpe_prog_map *m;
		const uint8_t *kp;

		if (NFPE_UNLIKELY(!maps || slot >= p->n_maps))
			FAULT(slot);
		m = &p->map[slot];
		kp = SPACE_PTR(ip->b & 3, kaddr, m->key_size);
		if (NFPE_UNLIKELY(!kp))
			FAULT(kaddr);
		ENG_RESULT((int64_t)nfpe_map_prog_delete(maps, m->map_id, kp));
		stall += m->lat_delete;
		NEXT();
	}
L_E_RANDOM:
	if (NFPE_UNLIKELY(!env || !env->ops || !env->ops->random))
		FAULT(0);
	ENG_RESULT(env->ops->random(env->ops->opaque));
	stall += ip->tgt;	/* latency, set at load */
	NEXT();
L_E_KTIME:
	if (NFPE_UNLIKELY(!env || !env->ops || !env->ops->ktime_ns))
		FAULT(0);
	ENG_RESULT(env->ops->ktime_ns(env->ops->opaque));
	stall += ip->tgt;
	NEXT();
L_E_ADJ_HEAD:
	ENG_RESULT(adj_head(t, (uint32_t)pktsz, (int32_t)A));
	stall += ip->tgt;
	NEXT();
L_E_ADJ_TAIL:
	ENG_RESULT(adj_tail(t, (uint32_t)pktsz, (int32_t)A));
	stall += ip->tgt;
	NEXT();
L_E_ADJ_META:
	ENG_RESULT(adj_meta(t, (uint32_t)pktsz, (int32_t)A));
	stall += ip->tgt;
	NEXT();

	/*
	 * ---- superinstructions (see NFPE_FUSED2): the bodies of the
	 * plain handlers above, one after the other ----
	 */
#define F_MOV		D = A
#define F_IMMED		D = IMM
#define F_ADD		ADD_BODY(B, 0)
#define F_ADDI		ADD_BODY(IMM, 0)
#define F_ADDC		ADD_BODY(B, carry)
#define F_ADDCI		ADD_BODY(IMM, carry)
#define F_ANDI		D = A & IMM
#define F_OR		D = A | B
#define F_SHLI		D = A << IMM
#define F_SHRI		D = A >> IMM
#define F_CSRRD		D = t->csr[IMM]
#define F_LD_PKT8	LD_BODY(pkt, IN_PKT, 1, mem_ld8)
#define F_LD_PKT16	LD_BODY(pkt, IN_PKT, 2, mem_ld16)
#define F_LD_PKT32	LD_BODY(pkt, IN_PKT, 4, mem_ld32)
#define F_LD_MAP8	LD_BODY(mapmem, IN_MAP, 1, mem_ld8)
#define F_ST_PKT8	ST_BODY(pkt, IN_PKT, 1, mem_st8)
#define F_ST_LM16	ST_BODY(lm, IN_LM, 2, mem_st16)
#define F_ST_LM32	ST_BODY(lm, IN_LM, 4, mem_st32)
/* a branch last: it dispatches itself, the NEXT() after it is dead */
#define F_BGT		BR_BODY(A > B)
#define F_BNEI		BR_BODY(A != IMM)
#define F_BEQI		BR_BODY(A == IMM)
#define NFPE_X_FH2(x, y)						\
L_F_##x##__##y:								\
	F_##x;								\
	ip++;								\
	F_##y;								\
	NEXT();
	NFPE_FUSED2(NFPE_X_FH2)
#undef NFPE_X_FH2
#define NFPE_X_FH3(x, y, z)						\
L_F_##x##__##y##__##z:							\
	F_##x;								\
	ip++;								\
	F_##y;								\
	ip++;								\
	F_##z;								\
	NEXT();
	NFPE_FUSED3(NFPE_X_FH3)
#undef NFPE_X_FH3

out_budget:
	/* the run at ip was not entered: nothing of it executed */
	status = NFPE_RUN_BUDGET;
	fault_addr = 0;
	goto out;
out_fault_mid:
	left += ip[1].run_n;
	issue -= ip[1].run_cost;
	stall -= ip[1].run_stall;
out_fault:
	status = NFPE_RUN_FAULT;
out:
	t->carry = carry;
	res->status = status;
	res->ret = ret;
	res->fault_pc = status == NFPE_RUN_OK ? 0 : (uint32_t)(ip - code);
	res->fault_addr = fault_addr;
	res->insns = caps->insn_budget - left;
	res->stall = stall;
	res->cycles = issue + stall;
	t->csr[NFPE_CSR_CYCLES] = (uint32_t)res->cycles;
	/*
	 * Runs of one program are serialised by the caller (as map
	 * commands are, see maps.c); the counters are read concurrently
	 * (nfpe_prog_counters), so they are stored whole, never torn.
	 */
	counter_add(&p->ctr.runs, 1);
	counter_add(&p->ctr.insns, res->insns);
	counter_add(&p->ctr.cycles, res->cycles);
	if (status != NFPE_RUN_OK)
		counter_add(&p->ctr.errors, 1);
}

void nfpe__interp_prepare(struct nfpe_prog *p)
{
	interp(p, NULL, NULL, NULL);
}

void nfpe_run(struct nfpe_prog *p, const struct nfpe_env *env,
	      struct nfpe_thread *t, struct nfpe_run_result *res)
{
	/* the translation's entry itself (x86jit.c): a tail call */
	if (p->use_x86) {
		p->x86_run(p, env, t, res);
		return;
	}
	interp(p, env, t, res);
}

int64_t nfpe__eng_adj(struct nfpe_thread *t, uint32_t pktsz, uint32_t eng,
		      int32_t delta)
{
	if (eng == NFPE_ENG_ADJ_HEAD)
		return adj_head(t, pktsz, delta);
	if (eng == NFPE_ENG_ADJ_TAIL)
		return adj_tail(t, pktsz, delta);
	return adj_meta(t, pktsz, delta);
}

/* ---- threads and packets ------------------------------------------ */

void nfpe_thread_init(struct nfpe_thread *t, uint32_t core, uint32_t thread)
{
	__builtin_memset(t, 0, sizeof(*t));
	t->core = core;
	t->thread = thread;
	t->csr[NFPE_CSR_THREAD] = core << 8 | (thread & 0xff);
}

/* Linux PACKET_* values, as skb->pkt_type holds them. */
#define PACKET_HOST		0
#define PACKET_BROADCAST	1
#define PACKET_MULTICAST	2

/*
 * Frames of 16 to 64 bytes (the common minimum-size case) are copied
 * inline as two or four 16-byte blocks, the outer pair overlapping in
 * the middle for lengths that are not multiples of 16: no loop, no libc
 * call.  Longer or tiny frames go to memcpy.
 */
static inline void blk16(uint8_t *dst, const uint8_t *src)
{
	uint8_t blk[16];

	__builtin_memcpy(blk, src, 16);
	__builtin_memcpy(dst, blk, 16);
}

static inline void pkt_copy(uint8_t *dst, const uint8_t *src, uint32_t len)
{
	if (len < 16 || len > 64) {
		__builtin_memcpy(dst, src, len);
		return;
	}
	blk16(dst, src);
	blk16(dst + len - 16, src + len - 16);
	if (len > 32) {
		blk16(dst + 16, src + 16);
		blk16(dst + len - 32, src + len - 32);
	}
}

int nfpe_pkt_setup(struct nfpe_thread *t, const struct nfpe_caps *caps,
		   const void *frame, uint32_t len, uint32_t port)
{
	uint32_t head = caps->pkt_headroom, size = nfpe__pkt_size(caps);
	const uint8_t *f = frame;
	/*
	 * volatile: one 4-byte store per CSR.  csr[] is only 4-byte
	 * aligned, and the stores the compiler would merge (8 and 16
	 * bytes) straddle a cache line for half the placements of the
	 * thread, a page for some (bench-engines, drop on the x86-64
	 * translation: ~15 -> ~7 ns per packet, docs/performance.md).
	 */
	volatile uint32_t *csr = t->csr;
	uint32_t type = PACKET_HOST, proto = 0;

	if (head < NFPE_PKT_RESERVED || head > size)
		return -NFPE_EINVAL;
	if (len > size - head)
		return -NFPE_E2BIG;
	/* the group bit first: unicast, the common case, is one test */
	if (len >= 6 && (f[0] & 1))
		type = mem_ld32(f) == 0xffffffffu && mem_ld16(f + 4) == 0xffff ?
		       PACKET_BROADCAST : PACKET_MULTICAST;
	/* __sk_buff->protocol: the __be16 ethertype, read as a u32 */
	if (len >= NFPE_ETH_HLEN)
		proto = mem_ld16(f + 12);
	csr[NFPE_CSR_PKT_DATA] = head;
	csr[NFPE_CSR_PKT_END] = head + len;
	csr[NFPE_CSR_PKT_META] = head;
	csr[NFPE_CSR_PKT_LEN] = len;
	csr[NFPE_CSR_PORT] = port;
	csr[NFPE_CSR_PROTOCOL] = proto;
	csr[NFPE_CSR_HASH] = 0;		/* the device writes the RSS hash */
	csr[NFPE_CSR_MARK] = 0;
	csr[NFPE_CSR_PRIORITY] = 0;
	csr[NFPE_CSR_TC_INDEX] = 0;
	csr[NFPE_CSR_PKT_TYPE] = type;
	csr[NFPE_CSR_CYCLES] = 0;
	pkt_copy(t->pkt + head, f, len);
	return 0;
}
