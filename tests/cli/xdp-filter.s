; xdp-filter.s - sample XDP program for the CLI tests and docs/tools.md.
;
; Counts IPv4 packets per IP protocol in an array map (slot 0), drops
; UDP to port 53, answers ICMP by swapping the MAC addresses and sending
; the frame back (XDP_TX), passes everything else.  Source ports listed
; in the hash map (slot 1) are dropped too.
.type xdp
.name xdp_filter
.stack 8
.map 0 array key=4 value=8 entries=256
.map 1 hash key=2 value=4 entries=64
.entry main

main:
	csrrd      r2, pkt_data
	csrrd      r3, pkt_end
	add        r4, r2, 34              ; Ethernet + IPv4 header
	bgt        r4, r3, pass
	ld.pkt.16  r5, [r2+12]             ; ethertype, as on the wire
	bne        r5, 0x0008, pass        ; 08 00: IPv4
	ld.pkt.8   r6, [r2+23]             ; IP protocol
	st.lm.32   [rz], r6                ; key of map 0 at LM 0
	immed      r8, map:0
	immed      r10, 0                  ; key address (r8 + 2)
	eng        r0, r8, map_lookup, key=lm
	beq        r0, 0, pass
	immed      r12, 1
	immed      r13, 0
	aadd.map.64 [r0], r12              ; count[proto] += 1
	beq        r6, 1, icmp
	bne        r6, 17, pass
	add        r4, r2, 38              ; + UDP header
	bgt        r4, r3, pass
	ld.pkt.16  r7, [r2+36]             ; UDP destination port
	beq        r7, 0x3500, drop        ; 53, network order
	immed      r8, map:1
	add        r10, r2, 34             ; key: the source port, in PKT
	eng        r0, r8, map_lookup, key=pkt
	bne        r0, 0, drop
	br         pass
icmp:
	ld.pkt.32  r4, [r2]                ; swap destination and source MAC
	ld.pkt.16  r5, [r2+4]
	ld.pkt.32  r6, [r2+6]
	ld.pkt.16  r7, [r2+10]
	st.pkt.32  [r2], r6
	st.pkt.16  [r2+4], r7
	st.pkt.32  [r2+6], r4
	st.pkt.16  [r2+10], r5
	immed      r0, 3                   ; XDP_TX
	exit       r0
drop:
	immed      r0, 1                   ; XDP_DROP
	exit       r0
pass:
	immed      r0, 2                   ; XDP_PASS
	exit       r0
