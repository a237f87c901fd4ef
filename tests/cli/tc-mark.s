; tc-mark.s - sample tc direct-action program: frames shorter than 64
; bytes are shot, the others get skb->mark = 0x42 + ingress port and
; continue (TC_ACT_OK).  Counts bytes per port in a per-CPU array.
.type tc
.name tc_mark
.stack 8
.map 0 percpu_array key=4 value=8 entries=4
.entry main

main:
	csrrd      r2, pkt_len
	blt        r2, 64, shot
	csrrd      r3, port
	add        r4, r3, 0x42
	csrwr      mark, r4
	st.lm.32   [rz], r3
	immed      r8, map:0
	immed      r10, 0
	eng        r0, r8, map_lookup, key=lm
	beq        r0, 0, ok
	immed      r3, 0
	aadd.map.64 [r0], r2               ; bytes[port] += len
ok:
	immed      r0, 0                   ; TC_ACT_OK
	exit       r0
shot:
	immed      r0, 2                   ; TC_ACT_SHOT
	exit       r0
