/* func_deflate.c - the gzip bytes base64gzip returns, identical to Terraform's: Terraform
 * writes the string through Go's compress/gzip at the default level, then Flush and
 * Close.  zlib produces valid but different DEFLATE streams (its matcher and Huffman
 * builder differ), so this file implements the same algorithms as Go's
 * compress/flate level 6: 4-byte hash chains over a 32 KiB window with lazy matching
 * (good 8, lazy 16, nice 128, chain 128), blocks of at most 16384 tokens, and for each
 * block the smallest of a fixed, a dynamic (length-limited Huffman codes built the way
 * Go builds them) or a stored encoding.  Only CRC-32 comes from zlib. */
#include "func_impl.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

enum {
	WSIZE = 1 << 15, WMASK = WSIZE - 1,
	MIN_MATCH = 4, MAX_MATCH = 258, BASE_MATCH = 3,
	MAX_TOKENS = 1 << 14, MAX_STORE = 65535,
	HASH_BITS = 17, HASH_SIZE = 1 << HASH_BITS, HASH_MASK = HASH_SIZE - 1,
	MAX_HASH_OFFSET = 1 << 24,
	NUM_LIT = 286, NUM_OFF = 30, NUM_CODEGEN = 19, BAD_CODE = 255, EOB = 256,
	GOOD = 8, LAZY = 16, NICE = 128, CHAIN = 128
};

#define MATCH_FLAG 0x80000000u	/* token: match (length-3 << 16 | offset-1) */

static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
	4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t len_base[29] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32,
	40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255 };
static const uint8_t off_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
	9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
static const uint32_t off_base[30] = { 0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192,
	256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384, 24576 };
static const uint8_t cg_order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14,
	1, 15 };

static int
len_code(uint32_t xlen)
{
	int c = 28;
	while (len_base[c] > xlen)
		c--;
	return c;
}

static int
off_code(uint32_t xoff)
{
	int c = 29;
	while (off_base[c] > xoff)
		c--;
	return c;
}

/* ---------------------------------------------------------------- output bits */

typedef struct {
	lh_fbuf out;
	uint64_t bits;
	unsigned nbits;
} bitw;

static void
put_bits(bitw *w, uint32_t b, unsigned n)
{
	w->bits |= (uint64_t)b << w->nbits;
	w->nbits += n;
	while (w->nbits >= 8) {
		char ch = (char)(w->bits & 0xff);
		lh_fbuf_add(&w->out, &ch, 1);
		w->bits >>= 8;
		w->nbits -= 8;
	}
}

/* Pads to a byte boundary (Go's flush). */
static void
flush_bits(bitw *w)
{
	if (w->nbits > 0)
		put_bits(w, 0, 8 - w->nbits);
}

/* ---------------------------------------------------------------- Huffman codes */

typedef struct {
	uint16_t code[NUM_LIT], len[NUM_LIT];
} hcodes;

typedef struct {
	uint16_t lit;
	int32_t freq;
} lnode;

static uint16_t
rev_bits(uint16_t v, unsigned n)
{
	uint16_t r = 0;
	for (unsigned i = 0; i < n; i++)
		r = (uint16_t)(r << 1 | ((v >> i) & 1));
	return r;
}

static int
by_freq(const void *p, const void *q)
{
	const lnode *a = p, *b = q;
	if (a->freq != b->freq)
		return a->freq < b->freq ? -1 : 1;
	return a->lit < b->lit ? -1 : a->lit > b->lit;
}

static int
by_lit(const void *p, const void *q)
{
	const lnode *a = p, *b = q;
	return a->lit < b->lit ? -1 : a->lit > b->lit;
}

/* Go's bitCounts: the number of literals for each code length, limited to maxbits
 * (the package-merge style level walk of compress/flate).  list has n >= 3 entries
 * sorted by frequency and room for one more. */
static void
bit_counts(lnode *list, int32_t n, int32_t maxbits, int32_t count[17])
{
	enum { LIMIT = 16 };
	struct level {
		int32_t level, last, next_char, next_pair, needed;
	} lv[LIMIT + 1];
	int32_t leaf[LIMIT + 1][LIMIT + 1];
	memset(lv, 0, sizeof lv);
	memset(leaf, 0, sizeof leaf);
	list[n] = (lnode){ 0xffff, INT32_MAX };
	if (maxbits > n - 1)
		maxbits = n - 1;
	for (int32_t l = 1; l <= maxbits; l++) {
		lv[l] = (struct level){ l, list[1].freq, list[2].freq, list[0].freq + list[1].freq, 0 };
		leaf[l][l] = 2;
		if (l == 1)
			lv[l].next_pair = INT32_MAX;
	}
	lv[maxbits].needed = 2 * n - 4;
	int32_t level = maxbits;
	for (;;) {
		struct level *l = &lv[level];
		if (l->next_pair == INT32_MAX && l->next_char == INT32_MAX) {
			l->needed = 0;
			lv[level + 1].next_pair = INT32_MAX;
			level++;
			continue;
		}
		int32_t prev = l->last;
		if (l->next_char < l->next_pair) {
			int32_t k = leaf[level][level] + 1;
			l->last = l->next_char;
			leaf[level][level] = k;
			l->next_char = list[k].freq;
		} else {
			l->last = l->next_pair;
			memcpy(leaf[level], leaf[level - 1], (size_t)level * sizeof leaf[0][0]);
			lv[l->level - 1].needed = 2;
		}
		if (--l->needed == 0) {
			if (l->level == maxbits)
				break;
			lv[l->level + 1].next_pair = prev + l->last;
			level++;
		} else {
			while (lv[level - 1].needed > 0)
				level--;
		}
	}
	memset(count, 0, 17 * sizeof *count);
	int bits = 1;
	for (int32_t l = maxbits; l > 0; l--)
		count[bits++] = leaf[maxbits][l] - leaf[maxbits][l - 1];
}

/* Go's huffmanEncoder.generate over freq[0..nfreq). */
static void
generate(hcodes *h, const int32_t *freq, int nfreq, int32_t maxbits)
{
	lnode list[NUM_LIT + 1];
	int count = 0;
	for (int i = 0; i < nfreq; i++) {
		if (freq[i] != 0)
			list[count++] = (lnode){ (uint16_t)i, freq[i] };
		else
			h->len[i] = 0;
	}
	if (count <= 2) {
		for (int i = 0; i < count; i++) {
			h->code[list[i].lit] = (uint16_t)i;
			h->len[list[i].lit] = 1;
		}
		return;
	}
	qsort(list, (size_t)count, sizeof *list, by_freq);
	int32_t bc[17];
	bit_counts(list, count, maxbits, bc);
	uint16_t code = 0;
	int rest = count;
	for (int nbits = 0; nbits <= (maxbits > count - 1 ? count - 1 : maxbits); nbits++) {
		code = (uint16_t)(code << 1);
		int32_t k = bc[nbits];
		if (nbits == 0 || k == 0)
			continue;
		lnode *chunk = list + rest - k;
		qsort(chunk, (size_t)k, sizeof *chunk, by_lit);
		for (int32_t j = 0; j < k; j++) {
			h->code[chunk[j].lit] = rev_bits(code, (unsigned)nbits);
			h->len[chunk[j].lit] = (uint16_t)nbits;
			code++;
		}
		rest -= k;
	}
}

static int
bit_length(const hcodes *h, const int32_t *freq, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		if (freq[i] != 0)
			total += freq[i] * h->len[i];
	return total;
}

/* ---------------------------------------------------------------- block writer */

typedef struct {
	bitw w;
	int32_t lit_freq[NUM_LIT], off_freq[NUM_OFF], cg_freq[NUM_CODEGEN];
	uint8_t codegen[NUM_LIT + NUM_OFF + 1];
	hcodes lit, off, cg, fixed_lit, fixed_off;
} huffw;

static void
fixed_codes(huffw *h)
{
	for (int ch = 0; ch < NUM_LIT; ch++) {
		uint16_t bits, size;
		if (ch < 144)
			bits = (uint16_t)(ch + 48), size = 8;
		else if (ch < 256)
			bits = (uint16_t)(ch + 400 - 144), size = 9;
		else if (ch < 280)
			bits = (uint16_t)(ch - 256), size = 7;
		else
			bits = (uint16_t)(ch + 192 - 280), size = 8;
		h->fixed_lit.code[ch] = rev_bits(bits, size);
		h->fixed_lit.len[ch] = size;
	}
	for (int i = 0; i < NUM_OFF; i++) {
		h->fixed_off.code[i] = rev_bits((uint16_t)i, 5);
		h->fixed_off.len[i] = 5;
	}
}

static void
stored_header(huffw *h, size_t len, bool eof)
{
	put_bits(&h->w, eof ? 1 : 0, 3);
	flush_bits(&h->w);
	put_bits(&h->w, (uint32_t)len, 16);
	put_bits(&h->w, (uint32_t)(~len & 0xffff), 16);
}

static void
gen_codegen(huffw *h, int nlit, int noff)
{
	memset(h->cg_freq, 0, sizeof h->cg_freq);
	uint8_t *cg = h->codegen;
	for (int i = 0; i < nlit; i++)
		cg[i] = (uint8_t)h->lit.len[i];
	for (int i = 0; i < noff; i++)
		cg[nlit + i] = (uint8_t)h->off.len[i];
	cg[nlit + noff] = BAD_CODE;
	uint8_t size = cg[0];
	int count = 1, out = 0;
	for (int in = 1; size != BAD_CODE; in++) {
		uint8_t next = cg[in];
		if (next == size) {
			count++;
			continue;
		}
		if (size != 0) {
			cg[out++] = size;
			h->cg_freq[size]++;
			count--;
			while (count >= 3) {
				int n = count < 6 ? count : 6;
				cg[out++] = 16;
				cg[out++] = (uint8_t)(n - 3);
				h->cg_freq[16]++;
				count -= n;
			}
		} else {
			while (count >= 11) {
				int n = count < 138 ? count : 138;
				cg[out++] = 18;
				cg[out++] = (uint8_t)(n - 11);
				h->cg_freq[18]++;
				count -= n;
			}
			if (count >= 3) {
				cg[out++] = 17;
				cg[out++] = (uint8_t)(count - 3);
				h->cg_freq[17]++;
				count = 0;
			}
		}
		count--;
		for (; count >= 0; count--) {
			cg[out++] = size;
			h->cg_freq[size]++;
		}
		size = next;
		count = 1;
	}
	cg[out] = BAD_CODE;
}

static void
put_code(huffw *h, const hcodes *c, int sym)
{
	put_bits(&h->w, c->code[sym], c->len[sym]);
}

/* Go's huffmanBitWriter.writeBlock (eof is always false here: Close ends the stream
 * with an empty stored block). */
static void
write_block(huffw *h, const uint32_t *tokens, size_t nt, const unsigned char *input, size_t inlen,
    bool have_input)
{
	memset(h->lit_freq, 0, sizeof h->lit_freq);
	memset(h->off_freq, 0, sizeof h->off_freq);
	for (size_t i = 0; i < nt; i++) {
		uint32_t t = tokens[i];
		if (!(t & MATCH_FLAG)) {
			h->lit_freq[t]++;
			continue;
		}
		h->lit_freq[257 + len_code((t >> 16) & 0x7fff)]++;
		h->off_freq[off_code(t & 0xffff)]++;
	}
	h->lit_freq[EOB]++;
	int nlit = NUM_LIT, noff = NUM_OFF;
	while (h->lit_freq[nlit - 1] == 0)
		nlit--;
	while (noff > 0 && h->off_freq[noff - 1] == 0)
		noff--;
	if (noff == 0) {
		h->off_freq[0] = 1;
		noff = 1;
	}
	generate(&h->lit, h->lit_freq, NUM_LIT, 15);
	generate(&h->off, h->off_freq, NUM_OFF, 15);

	bool storable = have_input && inlen <= MAX_STORE;
	int extra = 0;
	if (storable) {
		for (int lc = 257 + 8; lc < nlit; lc++)
			extra += h->lit_freq[lc] * len_extra[lc - 257];
		for (int oc = 4; oc < noff; oc++)
			extra += h->off_freq[oc] * off_extra[oc];
	}
	int size = 3 + bit_length(&h->fixed_lit, h->lit_freq, NUM_LIT) +
	    bit_length(&h->fixed_off, h->off_freq, NUM_OFF) + extra;
	const hcodes *lc = &h->fixed_lit, *oc = &h->fixed_off;
	gen_codegen(h, nlit, noff);
	generate(&h->cg, h->cg_freq, NUM_CODEGEN, 7);
	int ncg = NUM_CODEGEN;
	while (ncg > 4 && h->cg_freq[cg_order[ncg - 1]] == 0)
		ncg--;
	int dyn = 3 + 5 + 5 + 4 + 3 * ncg + bit_length(&h->cg, h->cg_freq, NUM_CODEGEN) +
	    h->cg_freq[16] * 2 + h->cg_freq[17] * 3 + h->cg_freq[18] * 7 +
	    bit_length(&h->lit, h->lit_freq, NUM_LIT) + bit_length(&h->off, h->off_freq, NUM_OFF) + extra;
	if (dyn < size) {
		size = dyn;
		lc = &h->lit;
		oc = &h->off;
	}
	if (storable && (int)(inlen + 5) * 8 < size) {
		stored_header(h, inlen, false);
		lh_fbuf_add(&h->w.out, (const char *)input, inlen);
		return;
	}
	if (lc == &h->fixed_lit) {
		put_bits(&h->w, 2, 3);
	} else {
		put_bits(&h->w, 4, 3);
		put_bits(&h->w, (uint32_t)(nlit - 257), 5);
		put_bits(&h->w, (uint32_t)(noff - 1), 5);
		put_bits(&h->w, (uint32_t)(ncg - 4), 4);
		for (int i = 0; i < ncg; i++)
			put_bits(&h->w, h->cg.len[cg_order[i]], 3);
		for (int i = 0;;) {
			int cw = h->codegen[i++];
			if (cw == BAD_CODE)
				break;
			put_code(h, &h->cg, cw);
			if (cw == 16)
				put_bits(&h->w, h->codegen[i++], 2);
			else if (cw == 17)
				put_bits(&h->w, h->codegen[i++], 3);
			else if (cw == 18)
				put_bits(&h->w, h->codegen[i++], 7);
		}
	}
	for (size_t i = 0; i < nt; i++) {
		uint32_t t = tokens[i];
		if (!(t & MATCH_FLAG)) {
			put_code(h, lc, (int)t);
			continue;
		}
		uint32_t xlen = (t >> 16) & 0x7fff, xoff = t & 0xffff;
		int l = len_code(xlen);
		put_code(h, lc, 257 + l);
		if (len_extra[l])
			put_bits(&h->w, xlen - len_base[l], len_extra[l]);
		int o = off_code(xoff);
		put_code(h, oc, o);
		if (off_extra[o])
			put_bits(&h->w, xoff - off_base[o], off_extra[o]);
	}
	put_code(h, lc, EOB);
}

/* ---------------------------------------------------------------- compressor */

typedef struct {
	huffw *h;
	unsigned char window[2 * WSIZE];
	uint32_t head[HASH_SIZE], prev[WSIZE];
	int chain_head, hash_offset;
	int index, window_end, block_start;
	bool byte_available, sync;
	uint32_t tokens[MAX_TOKENS + 1];
	size_t ntok;
	int length, offset, max_insert;
} compressor;

static uint32_t
hash4(const unsigned char *b)
{
	return (((uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24) *
	    0x1e35a7bdu) >> (32 - HASH_BITS);
}

static int
fill(compressor *d, const unsigned char *b, size_t n)
{
	if (d->index >= 2 * WSIZE - (MIN_MATCH + MAX_MATCH)) {
		memmove(d->window, d->window + WSIZE, WSIZE);
		d->index -= WSIZE;
		d->window_end -= WSIZE;
		d->block_start = d->block_start >= WSIZE ? d->block_start - WSIZE : INT32_MAX;
		d->hash_offset += WSIZE;
		if (d->hash_offset > MAX_HASH_OFFSET) {
			int delta = d->hash_offset - 1;
			d->hash_offset -= delta;
			d->chain_head -= delta;
			for (size_t i = 0; i < WSIZE; i++)
				d->prev[i] = (int)d->prev[i] > delta ? (uint32_t)((int)d->prev[i] - delta) : 0;
			for (size_t i = 0; i < HASH_SIZE; i++)
				d->head[i] = (int)d->head[i] > delta ? (uint32_t)((int)d->head[i] - delta) : 0;
		}
	}
	size_t room = (size_t)(2 * WSIZE - d->window_end);
	size_t k = n < room ? n : room;
	memcpy(d->window + d->window_end, b, k);
	d->window_end += (int)k;
	return (int)k;
}

static void
flush_tokens(compressor *d, int index)
{
	if (index > 0) {
		bool have = d->block_start <= index;
		const unsigned char *in = have ? d->window + d->block_start : NULL;
		size_t inlen = have ? (size_t)(index - d->block_start) : 0;
		d->block_start = index;
		write_block(d->h, d->tokens, d->ntok, in, inlen, have);
	}
	d->ntok = 0;
}

static bool
find_match(compressor *d, int pos, int prev_head, int prev_len, int lookahead, int *olen, int *ooff)
{
	int min_look = lookahead < MAX_MATCH ? lookahead : MAX_MATCH;
	int winlen = pos + min_look;
	int nice = winlen - pos < NICE ? winlen - pos : NICE;
	int tries = CHAIN, length = prev_len;
	bool ok = false;
	if (length >= GOOD)
		tries >>= 2;
	unsigned char wend = d->window[pos + length];
	int min_index = pos - WSIZE;
	for (int i = prev_head; tries > 0; tries--) {
		if (wend == d->window[i + length]) {
			int n = 0;
			while (n < min_look && d->window[i + n] == d->window[pos + n])
				n++;
			if (n > length && (n > MIN_MATCH || pos - i <= 4096)) {
				length = n;
				*olen = n;
				*ooff = pos - i;
				ok = true;
				if (n >= nice)
					break;
				wend = d->window[pos + n];
			}
		}
		if (i == min_index)
			break;
		i = (int)d->prev[i & WMASK] - d->hash_offset;
		if (i < min_index || i < 0)
			break;
	}
	return ok;
}

static void
insert(compressor *d, int at)
{
	uint32_t hv = hash4(d->window + at);
	uint32_t *hh = &d->head[hv & HASH_MASK];
	d->prev[at & WMASK] = *hh;
	*hh = (uint32_t)(at + d->hash_offset);
}

/* Go's compressor.deflate at level 6 (lazy matching: fastSkipHashing is skipNever). */
static void
deflate_step(compressor *d)
{
	if (d->window_end - d->index < MIN_MATCH + MAX_MATCH && !d->sync)
		return;
	d->max_insert = d->window_end - (MIN_MATCH - 1);
	for (;;) {
		int lookahead = d->window_end - d->index;
		if (lookahead < MIN_MATCH + MAX_MATCH) {
			if (!d->sync)
				break;
			if (lookahead == 0) {
				if (d->byte_available) {
					d->tokens[d->ntok++] = d->window[d->index - 1];
					d->byte_available = false;
				}
				if (d->ntok > 0)
					flush_tokens(d, d->index);
				break;
			}
		}
		if (d->index < d->max_insert) {
			uint32_t *hh = &d->head[hash4(d->window + d->index) & HASH_MASK];
			d->chain_head = (int)*hh;
			d->prev[d->index & WMASK] = (uint32_t)d->chain_head;
			*hh = (uint32_t)(d->index + d->hash_offset);
		}
		int prev_len = d->length, prev_off = d->offset;
		d->length = MIN_MATCH - 1;
		d->offset = 0;
		int min_index = d->index - WSIZE;
		if (min_index < 0)
			min_index = 0;
		if (d->chain_head - d->hash_offset >= min_index && lookahead > prev_len && prev_len < LAZY) {
			int nl, no;
			if (find_match(d, d->index, d->chain_head - d->hash_offset, MIN_MATCH - 1, lookahead, &nl, &no)) {
				d->length = nl;
				d->offset = no;
			}
		}
		if (prev_len >= MIN_MATCH && d->length <= prev_len) {
			d->tokens[d->ntok++] = MATCH_FLAG | (uint32_t)(prev_len - BASE_MATCH) << 16 |
			    (uint32_t)(prev_off - 1);
			int new_index = d->index + prev_len - 1;
			for (d->index++; d->index < new_index; d->index++)
				if (d->index < d->max_insert)
					insert(d, d->index);
			d->byte_available = false;
			d->length = MIN_MATCH - 1;
			if (d->ntok == MAX_TOKENS)
				flush_tokens(d, d->index);
		} else {
			if (d->byte_available) {
				int i = d->index - 1;
				d->tokens[d->ntok++] = d->window[i];
				if (d->ntok == MAX_TOKENS)
					flush_tokens(d, i + 1);
			}
			d->index++;
			d->byte_available = true;
		}
	}
}

/* gzip.NewWriter, Write(in), Flush(), Close(), as Terraform's base64gzip calls them:
 * the whole member (header, DEFLATE data, CRC-32, size).  NULL when out of memory. */
unsigned char *
lh_fn_go_gzip(lh_arena *a, const unsigned char *in, size_t len, size_t *outlen)
{
	compressor *d = calloc(1, sizeof *d);
	huffw *h = calloc(1, sizeof *h);
	if (d == NULL || h == NULL) {
		free(d);
		free(h);
		return NULL;
	}
	h->w.out = (lh_fbuf){ .a = a };
	fixed_codes(h);
	d->h = h;
	d->hash_offset = 1;
	d->length = MIN_MATCH - 1;
	d->chain_head = -1;
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	lh_fbuf_add(&h->w.out, (const char *)hdr, 10);
	/* Write: step, then fill, until the input is consumed */
	const unsigned char *p = in;
	size_t left = len;
	while (left > 0) {
		deflate_step(d);
		int k = fill(d, p, left);
		p += k;
		left -= (size_t)k;
	}
	/* Flush: everything out, then an empty stored block as the sync marker */
	d->sync = true;
	deflate_step(d);
	stored_header(h, 0, false);
	flush_bits(&h->w);
	d->sync = false;
	/* Close: nothing left to compress; the final empty stored block */
	d->sync = true;
	deflate_step(d);
	stored_header(h, 0, true);
	flush_bits(&h->w);
	uLong crc = crc32(0L, Z_NULL, 0);
	for (size_t off = 0; off < len;) {
		uInt chunk = len - off > 1u << 30 ? 1u << 30 : (uInt)(len - off);
		crc = crc32(crc, in + off, chunk);
		off += chunk;
	}
	unsigned char trailer[8];
	for (int i = 0; i < 4; i++) {
		trailer[i] = (unsigned char)(crc >> (8 * i));
		trailer[4 + i] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	lh_fbuf_add(&h->w.out, (const char *)trailer, 8);
	*outlen = h->w.out.len;
	unsigned char *r = (unsigned char *)h->w.out.p;
	free(d);
	free(h);
	return r;
}
