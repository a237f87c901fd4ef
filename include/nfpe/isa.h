/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe/isa.h - instruction set of the nfp-ebpf flow-processing core.
 *
 * This is the single source of truth for the microcode encoding.  The
 * assembler, disassembler, image validator, interpreter, the JIT (kernel
 * and userspace builds) and the documentation generator all use the
 * opcode table below; docs/isa.md describes the semantics and costs.
 *
 * Machine model (see docs/isa.md for the full text):
 *  - 32-bit datapath.  Each hardware thread has 32 general purpose
 *    registers r0..r31 of 32 bits and a carry flag.  A 64-bit eBPF value
 *    lives in a register pair (low word in rN, high word in rN+1).
 *    Register index 0xff ("rz") reads as zero and may not be written.
 *  - Fixed-width 64-bit instruction words, little-endian in an image.
 *  - Four address spaces, named by every memory instruction:
 *      LM   thread-local memory (holds the eBPF stack),
 *      PKT  the thread's packet buffer (headroom + frame),
 *      MAP  device map memory (shared by all cores).
 *    Context fields (packet bounds, mark, port, ...) are CSRs.
 *  - Compare-and-branch with a register or a 32-bit immediate operand,
 *    a 16-bit absolute branch target (code store <= 65536 words).
 *  - A hardware return stack for bpf-to-bpf calls.
 *  - Engine commands (map lookup/update/delete, random, time, packet
 *    head/tail/meta adjustment) take their arguments from registers
 *    a, a+2, a+4, a+6 (the low words of four register pairs) and write a
 *    64-bit result to the pair d:d+1.
 *
 * Instruction word formats (bit ranges of the 64-bit word):
 *
 *   R-format  [7:0] op  [15:8] d   [23:16] a   [31:24] b   [63:32] imm
 *   B-format  [7:0] op  [15:8] a   [31:16] target          [63:32] imm
 *
 * All instructions use the R-format except the branches, BR and CALL,
 * which use the B-format.  A register-compare branch keeps its second
 * register in imm[7:0]; the register form of DSHL/DSHR keeps its shift
 * amount register in imm[7:0] too.  Unused fields must be zero: the
 * validator refuses an image that sets them, so that future revisions of
 * the ISA can use them.
 */
#ifndef NFPE_ISA_H
#define NFPE_ISA_H

#include "types.h"

#define NFPE_NUM_GPRS		32
#define NFPE_REG_ZERO		0xff	/* reads as 0; never a destination */
#define NFPE_MAX_CODE		65536	/* B-format target is 16 bits */
#define NFPE_CALL_DEPTH		8	/* hardware return stack entries */

/* Address spaces named by memory instructions. */
enum nfpe_space {
	NFPE_SPACE_LM	= 0,	/* thread-local memory: eBPF stack */
	NFPE_SPACE_PKT	= 1,	/* packet buffer: headroom + frame */
	NFPE_SPACE_MAP	= 2,	/* device map memory */
	NFPE_SPACE_NUM	= 3,
};

/*
 * Operand formats: how the assembler reads and the disassembler writes an
 * instruction, and which fields the validator requires to be zero.
 */
enum nfpe_fmt {
	NFPE_FMT_NONE,		/* op                       (nop, ret)       */
	NFPE_FMT_MOV,		/* op d, a                  (mov, bswap)     */
	NFPE_FMT_IMM,		/* op d, imm                (immed)          */
	NFPE_FMT_RR,		/* op d, a, b                                */
	NFPE_FMT_RI,		/* op d, a, imm                              */
	NFPE_FMT_DSH_R,		/* op d, a, b, c   c = imm[7:0] register     */
	NFPE_FMT_DSH_I,		/* op d, a, b, imm (0..31)                   */
	NFPE_FMT_BR_R,		/* op a, b, target b = imm[7:0] register     */
	NFPE_FMT_BR_I,		/* op a, imm, target                         */
	NFPE_FMT_JUMP,		/* op target                (br, call)       */
	NFPE_FMT_EXIT,		/* op a                                      */
	NFPE_FMT_LD,		/* op d, [a + imm]                           */
	NFPE_FMT_ST,		/* op [a + imm], b                           */
	NFPE_FMT_CSRRD,		/* op d, csr(imm)                            */
	NFPE_FMT_CSRWR,		/* op csr(imm), a                            */
	NFPE_FMT_ENG,		/* op d, a, engine(imm), flags(b)            */
};

/*
 * The opcode table.  X(ENUM, value, "mnemonic", format)
 *
 * An R/I pair shares its mnemonic: the assembler picks the register or the
 * immediate form from the operand, the disassembler prints it back.
 * Memory opcodes are 0x80 | store << 4 | space << 2 | log2(size).
 */
#define NFPE_OPCODES(X)						\
	X(NOP,       0x00, "nop",        NFPE_FMT_NONE)		\
	X(MOV,       0x01, "mov",        NFPE_FMT_MOV)		\
	X(IMMED,     0x02, "immed",      NFPE_FMT_IMM)		\
	X(ADD,       0x10, "add",        NFPE_FMT_RR)		\
	X(ADDI,      0x11, "add",        NFPE_FMT_RI)		\
	X(ADDC,      0x12, "addc",       NFPE_FMT_RR)		\
	X(ADDCI,     0x13, "addc",       NFPE_FMT_RI)		\
	X(SUB,       0x14, "sub",        NFPE_FMT_RR)		\
	X(SUBI,      0x15, "sub",        NFPE_FMT_RI)		\
	X(SUBB,      0x16, "subb",       NFPE_FMT_RR)		\
	X(SUBBI,     0x17, "subb",       NFPE_FMT_RI)		\
	X(RSUBI,     0x19, "rsub",       NFPE_FMT_RI)		\
	X(RSUBBI,    0x1b, "rsubb",      NFPE_FMT_RI)		\
	X(AND,       0x20, "and",        NFPE_FMT_RR)		\
	X(ANDI,      0x21, "and",        NFPE_FMT_RI)		\
	X(OR,        0x22, "or",         NFPE_FMT_RR)		\
	X(ORI,       0x23, "or",         NFPE_FMT_RI)		\
	X(XOR,       0x24, "xor",        NFPE_FMT_RR)		\
	X(XORI,      0x25, "xor",        NFPE_FMT_RI)		\
	X(SHL,       0x28, "shl",        NFPE_FMT_RR)		\
	X(SHLI,      0x29, "shl",        NFPE_FMT_RI)		\
	X(SHR,       0x2a, "shr",        NFPE_FMT_RR)		\
	X(SHRI,      0x2b, "shr",        NFPE_FMT_RI)		\
	X(ASR,       0x2c, "asr",        NFPE_FMT_RR)		\
	X(ASRI,      0x2d, "asr",        NFPE_FMT_RI)		\
	X(DSHL,      0x30, "dshl",       NFPE_FMT_DSH_R)		\
	X(DSHLI,     0x31, "dshl",       NFPE_FMT_DSH_I)		\
	X(DSHR,      0x32, "dshr",       NFPE_FMT_DSH_R)		\
	X(DSHRI,     0x33, "dshr",       NFPE_FMT_DSH_I)		\
	X(MUL,       0x38, "mul",        NFPE_FMT_RR)		\
	X(MULI,      0x39, "mul",        NFPE_FMT_RI)		\
	X(MULHU,     0x3a, "mulhu",      NFPE_FMT_RR)		\
	X(MULHUI,    0x3b, "mulhu",      NFPE_FMT_RI)		\
	X(DIVU,      0x40, "divu",       NFPE_FMT_RR)		\
	X(DIVUI,     0x41, "divu",       NFPE_FMT_RI)		\
	X(MODU,      0x42, "modu",       NFPE_FMT_RR)		\
	X(MODUI,     0x43, "modu",       NFPE_FMT_RI)		\
	X(DIVU64,    0x44, "divu64",     NFPE_FMT_RR)		\
	X(DIVU64I,   0x45, "divu64",     NFPE_FMT_RI)		\
	X(MODU64,    0x46, "modu64",     NFPE_FMT_RR)		\
	X(MODU64I,   0x47, "modu64",     NFPE_FMT_RI)		\
	X(BSWAP16,   0x48, "bswap16",    NFPE_FMT_MOV)		\
	X(BSWAP32,   0x49, "bswap32",    NFPE_FMT_MOV)		\
	X(BEQ,       0x50, "beq",        NFPE_FMT_BR_R)		\
	X(BEQI,      0x51, "beq",        NFPE_FMT_BR_I)		\
	X(BNE,       0x52, "bne",        NFPE_FMT_BR_R)		\
	X(BNEI,      0x53, "bne",        NFPE_FMT_BR_I)		\
	X(BGT,       0x54, "bgt",        NFPE_FMT_BR_R)		\
	X(BGTI,      0x55, "bgt",        NFPE_FMT_BR_I)		\
	X(BGE,       0x56, "bge",        NFPE_FMT_BR_R)		\
	X(BGEI,      0x57, "bge",        NFPE_FMT_BR_I)		\
	X(BLT,       0x58, "blt",        NFPE_FMT_BR_R)		\
	X(BLTI,      0x59, "blt",        NFPE_FMT_BR_I)		\
	X(BLE,       0x5a, "ble",        NFPE_FMT_BR_R)		\
	X(BLEI,      0x5b, "ble",        NFPE_FMT_BR_I)		\
	X(BSGT,      0x5c, "bsgt",       NFPE_FMT_BR_R)		\
	X(BSGTI,     0x5d, "bsgt",       NFPE_FMT_BR_I)		\
	X(BSGE,      0x5e, "bsge",       NFPE_FMT_BR_R)		\
	X(BSGEI,     0x5f, "bsge",       NFPE_FMT_BR_I)		\
	X(BSLT,      0x60, "bslt",       NFPE_FMT_BR_R)		\
	X(BSLTI,     0x61, "bslt",       NFPE_FMT_BR_I)		\
	X(BSLE,      0x62, "bsle",       NFPE_FMT_BR_R)		\
	X(BSLEI,     0x63, "bsle",       NFPE_FMT_BR_I)		\
	X(BSET,      0x64, "bset",       NFPE_FMT_BR_R)		\
	X(BSETI,     0x65, "bset",       NFPE_FMT_BR_I)		\
	X(BCLR,      0x66, "bclr",       NFPE_FMT_BR_R)		\
	X(BCLRI,     0x67, "bclr",       NFPE_FMT_BR_I)		\
	X(BR,        0x70, "br",         NFPE_FMT_JUMP)		\
	X(CALL,      0x71, "call",       NFPE_FMT_JUMP)		\
	X(RET,       0x72, "ret",        NFPE_FMT_NONE)		\
	X(EXIT,      0x73, "exit",       NFPE_FMT_EXIT)		\
	X(LD_LM8,    0x80, "ld.lm.8",    NFPE_FMT_LD)		\
	X(LD_LM16,   0x81, "ld.lm.16",   NFPE_FMT_LD)		\
	X(LD_LM32,   0x82, "ld.lm.32",   NFPE_FMT_LD)		\
	X(LD_LM64,   0x83, "ld.lm.64",   NFPE_FMT_LD)		\
	X(LD_PKT8,   0x84, "ld.pkt.8",   NFPE_FMT_LD)		\
	X(LD_PKT16,  0x85, "ld.pkt.16",  NFPE_FMT_LD)		\
	X(LD_PKT32,  0x86, "ld.pkt.32",  NFPE_FMT_LD)		\
	X(LD_PKT64,  0x87, "ld.pkt.64",  NFPE_FMT_LD)		\
	X(LD_MAP8,   0x88, "ld.map.8",   NFPE_FMT_LD)		\
	X(LD_MAP16,  0x89, "ld.map.16",  NFPE_FMT_LD)		\
	X(LD_MAP32,  0x8a, "ld.map.32",  NFPE_FMT_LD)		\
	X(LD_MAP64,  0x8b, "ld.map.64",  NFPE_FMT_LD)		\
	X(ST_LM8,    0x90, "st.lm.8",    NFPE_FMT_ST)		\
	X(ST_LM16,   0x91, "st.lm.16",   NFPE_FMT_ST)		\
	X(ST_LM32,   0x92, "st.lm.32",   NFPE_FMT_ST)		\
	X(ST_LM64,   0x93, "st.lm.64",   NFPE_FMT_ST)		\
	X(ST_PKT8,   0x94, "st.pkt.8",   NFPE_FMT_ST)		\
	X(ST_PKT16,  0x95, "st.pkt.16",  NFPE_FMT_ST)		\
	X(ST_PKT32,  0x96, "st.pkt.32",  NFPE_FMT_ST)		\
	X(ST_PKT64,  0x97, "st.pkt.64",  NFPE_FMT_ST)		\
	X(ST_MAP8,   0x98, "st.map.8",   NFPE_FMT_ST)		\
	X(ST_MAP16,  0x99, "st.map.16",  NFPE_FMT_ST)		\
	X(ST_MAP32,  0x9a, "st.map.32",  NFPE_FMT_ST)		\
	X(ST_MAP64,  0x9b, "st.map.64",  NFPE_FMT_ST)		\
	X(AADD_LM32, 0xa2, "aadd.lm.32", NFPE_FMT_ST)		\
	X(AADD_LM64, 0xa3, "aadd.lm.64", NFPE_FMT_ST)		\
	X(AADD_MAP32, 0xaa, "aadd.map.32", NFPE_FMT_ST)		\
	X(AADD_MAP64, 0xab, "aadd.map.64", NFPE_FMT_ST)		\
	X(CSRRD,     0xb0, "csrrd",      NFPE_FMT_CSRRD)		\
	X(CSRWR,     0xb1, "csrwr",      NFPE_FMT_CSRWR)		\
	X(ENG,       0xc0, "eng",        NFPE_FMT_ENG)

enum nfpe_opcode {
#define NFPE_X_ENUM(e, v, m, f) NFPE_OP_##e = v,
	NFPE_OPCODES(NFPE_X_ENUM)
#undef NFPE_X_ENUM
};

/* Memory opcode fields: 0x80 | store << 4 | space << 2 | log2(size). */
#define NFPE_OP_IS_MEM(op)	(((op) & 0xc0) == 0x80)
#define NFPE_OP_MEM_LOG2(op)	((op) & 3)
#define NFPE_OP_MEM_SPACE(op)	(((op) >> 2) & 3)
#define NFPE_OP_MEM_KIND(op)	(((op) >> 4) & 3)  /* 0 ld, 1 st, 2 aadd */

/* Encoding helpers: one word from its fields, and the fields back. */
static inline uint64_t nfpe_enc_r(uint8_t op, uint8_t d, uint8_t a,
				  uint8_t b, uint32_t imm)
{
	return (uint64_t)op | (uint64_t)d << 8 | (uint64_t)a << 16 |
	       (uint64_t)b << 24 | (uint64_t)imm << 32;
}

static inline uint64_t nfpe_enc_b(uint8_t op, uint8_t a, uint16_t target,
				  uint32_t imm)
{
	return (uint64_t)op | (uint64_t)a << 8 | (uint64_t)target << 16 |
	       (uint64_t)imm << 32;
}

#define NFPE_INSN_OP(w)		((uint8_t)(w))
#define NFPE_INSN_D(w)		((uint8_t)((w) >> 8))
#define NFPE_INSN_A(w)		((uint8_t)((w) >> 16))
#define NFPE_INSN_B(w)		((uint8_t)((w) >> 24))
#define NFPE_INSN_IMM(w)	((uint32_t)((w) >> 32))
#define NFPE_INSN_BR_A(w)	((uint8_t)((w) >> 8))
#define NFPE_INSN_TARGET(w)	((uint16_t)((w) >> 16))

/*
 * Control and status registers, read with CSRRD and written with CSRWR.
 * Packet bounds are offsets in the PKT space.  "rw" CSRs are carried to
 * the host in the receive metadata (mark) or to the next hook.
 */
#define NFPE_CSRS(X)							\
	X(PKT_DATA,    0x00, "pkt_data",    0) /* first frame byte     */	\
	X(PKT_END,     0x01, "pkt_end",     0) /* one past last byte   */	\
	X(PKT_META,    0x02, "pkt_meta",    0) /* XDP metadata start   */	\
	X(PKT_LEN,     0x03, "pkt_len",     0) /* end - data           */	\
	X(PORT,        0x04, "port",        0) /* ingress port 0..3    */	\
	X(QUEUE,       0x05, "queue",       0) /* rx queue index       */	\
	X(IFINDEX,     0x06, "ifindex",     0) /* host ifindex of port */	\
	X(PROTOCOL,    0x07, "protocol",    0) /* ethertype, as on wire*/	\
	X(HASH,        0x08, "hash",        0) /* RSS hash             */	\
	X(MARK,        0x09, "mark",        1) /* skb->mark            */	\
	X(PRIORITY,    0x0a, "priority",    1) /* skb->priority        */	\
	X(TC_INDEX,    0x0b, "tc_index",    1) /* skb->tc_index        */	\
	X(PKT_TYPE,    0x0c, "pkt_type",    0) /* host/bcast/mcast/other*/	\
	X(THREAD,      0x0d, "thread",      0) /* core << 8 | thread   */	\
	X(CYCLES,      0x0e, "cycles",      0) /* cycles this packet   */

enum nfpe_csr {
#define NFPE_X_ENUM(e, v, m, w) NFPE_CSR_##e = v,
	NFPE_CSRS(NFPE_X_ENUM)
#undef NFPE_X_ENUM
	NFPE_CSR_NUM
};

/*
 * Engine commands (ENG imm).  Arguments are read from registers a, a+2,
 * a+4, a+6; the 64-bit result is written to d (low) and d+1 (high).
 * The b field holds NFPE_ENG_F_* flags naming the address space of the
 * pointer arguments.  Error results are negative Linux errno values
 * sign-extended to 64 bits, as the kernel's helpers return them.
 */
#define NFPE_ENGINES(X)							\
	X(MAP_LOOKUP, 1, "map_lookup") /* (map, key) -> value addr or 0   */ \
	X(MAP_UPDATE, 2, "map_update") /* (map, key, value, flags) -> err */ \
	X(MAP_DELETE, 3, "map_delete") /* (map, key) -> err               */ \
	X(RANDOM,     4, "random")     /* () -> u32                       */ \
	X(KTIME,      5, "ktime")      /* () -> u64 nanoseconds           */ \
	X(ADJ_HEAD,   6, "adj_head")   /* (delta) -> 0 / -EINVAL          */ \
	X(ADJ_TAIL,   7, "adj_tail")   /* (delta) -> 0 / -EINVAL          */ \
	X(ADJ_META,   8, "adj_meta")   /* (delta) -> 0 / -EINVAL          */

enum nfpe_engine {
#define NFPE_X_ENUM(e, v, m) NFPE_ENG_##e = v,
	NFPE_ENGINES(NFPE_X_ENUM)
#undef NFPE_X_ENUM
	NFPE_ENG_NUM
};

/* ENG b-field: address spaces of the key (arg 2) and value (arg 3). */
#define NFPE_ENG_F_KEY_SHIFT	0
#define NFPE_ENG_F_VAL_SHIFT	2
#define NFPE_ENG_F_MASK		0x0f
#define NFPE_ENG_FLAGS(key_space, val_space) \
	((uint8_t)((key_space) << NFPE_ENG_F_KEY_SHIFT | \
		   (val_space) << NFPE_ENG_F_VAL_SHIFT))

#endif /* NFPE_ISA_H */
