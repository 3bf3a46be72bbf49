/* test_tls.c: the TLS dissector (dissectors/tls.c, tls-ja.c, md5.c).
 *
 * Real ClientHellos and ServerHellos from the nDPI captures in
 * shared/pcaps/ndpi-benign (bytes pulled with `tshark -z follow,tcp,raw`);
 * SNI, JA3 and JA3S are compared with tshark 4.0's tls.handshake.ja3 /
 * ja3_full / ja3s fields, JA4 with FoxIO's JA4.md worked example (chrome.pcap
 * stream 0 is that very hello: t13d1516h2_8daaf6152771_e5627efa2ab1) and
 * README example (tls_ech.pcapng: t13d1516h2_8daaf6152771_02713d6af862).
 * Every hello is fed whole, split at every byte offset, in 1-byte slices,
 * re-fragmented into records of many sizes, and truncated at every length;
 * slices sit flush against a PROT_NONE page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_dissector.h"
#include "sw_facts.h"
#include "sw_json.h"
#include "sw_limits.h"
#include "sw_wallet.h"
#include "sw_test.h"
#include "md5.h"
#include "tls-ja.h"

extern const struct sw_dissector sw_dissector_tls;
#define D (&sw_dissector_tls)

/* ---- captured bytes (first handshake flight of each direction) ---- */

static const char chrome0_c[] =
	"1603010200010001fc0303d77aa0f252cff8ff81a9c82edc42621f8c80d83b0322361c96"
	"ae2f2bda7849ce207094dfde2fae965e90337a4b4c5c840b86caabaca5ab87a6e2904401"
	"45ae762900209a9a130313011302cca9cca8c02bc02fc02cc030c013c014009c009d002f"
	"0035010001934a4a000000000013001100000e7777772e6969742e636e722e6974001700"
	"00ff01000100000a000a00086a6a001d00170018000b00020100002300000010000e000c"
	"02683208687474702f312e31000500050100000000000d00120010040308040401050308"
	"05050108060601001200000033002b00296a6a000100001d00203af18d95cb86205f04c0"
	"a3e2b8c68b9026c6a90ef630fe20a68d31ea2525b648002d00020101002b000b0a6a6a03"
	"04030303020301001b00030200024469000500030268326a6a000100001500c500000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"00000000000000000000000000";

static const char chrome0_s[] =
	"160303007a020000760303bde1e9fe06132c1da4440c7a1761fbf245676f09ff1efc082a"
	"bb5f147115e650207094dfde2fae965e90337a4b4c5c840b86caabaca5ab87a6e2904401"
	"45ae7629130200002e002b0002030400330024001d0020232131aa29442dc2c135ef23f8"
	"56e6990d455f6d39b9a991e0710e2daf6a3421";

static const char chrome1_c[] =
	"160301027601000272030302aad935c201779a61c55d1788fc836aa2fb425a52d0e942f4"
	"5e30e5f538414f2045128499a158206eccf6192c7fdb1aa59ed7af3c698242cc04ff2ed5"
	"afca73b30020fafa130313011302cca9cca8c02bc02fc02cc030c013c014009c009d002f"
	"0035010002095a5a000000000013001100000e7777772e6969742e636e722e6974001700"
	"00ff01000100000a000a00085a5a001d00170018000b00020100002300000010000e000c"
	"02683208687474702f312e31000500050100000000000d00120010040308040401050308"
	"05050108060601001200000033002b00295a5a000100001d0020131377b7385b2b5ecd06"
	"bd3e5c7ae3fda6440783ee0dc476ad3544d1b979ff2d002d00020101002b000b0a8a8a03"
	"04030303020301001b00030200024469000500030268324a4a0001000029013b01060100"
	"332a7372a0335ac04064835c831fb28019e0065228c866f002680b0d0a65e6d91cc12939"
	"086f8f9287d81b7051fbeff4e5444b0a640620dd08419df062f64320f40c693e57578be0"
	"37fa74f17ed7c26f1d007b412367e15eddbc147631b1bf5726afbc84e9b9b174972c63ba"
	"1b2971627ca121f87f385d26da92b6d1cd04b6d686f97df1a29258872b0f2e8bc0c5dab9"
	"38be46783a96d1f40480a58ddb8daeaa89c505bc673beaaad892c578632e1bc6afe8304c"
	"f90a3f3d34bbad3862e3fc0dfa1830b5d7667074ed07361180c099132748ff8f002578fe"
	"06fbc1d0fe2a82d34bbf6b6d945fe03bec39bfdaeea762c01be4c912ca0640ba65534b74"
	"5015d931829e46690031306de96aa2b4c8214460e1d6f30f861da7e31c2e881d54410942"
	"76181c23b3b05ac98c7566811ce47a0c0948130c7d47ca";

static const char chrome1_s[] =
	"16030300800200007c030344bc63672a516cf2b9a26bff7bdf7c472aaadc038dc775819e"
	"f8de5efa86cc0f2045128499a158206eccf6192c7fdb1aa59ed7af3c698242cc04ff2ed5"
	"afca73b31302000034002b0002030400330024001d0020ccd4d46d9c2cd4478d74202587"
	"0fd78255df1d8ee7ca42e29c7ae5b5835c975f002900020000";

static const char firefox0_c[] =
	"1603010200010001fc03032d7c0d430bece9c9cbfd15d98d3140b96ec26e5a7517caea74"
	"2105a6143526bb20870310535e4a33fcc7c4d9b23f70b069d7990761d6edb7a115363be1"
	"f52a500b0024130113031302c02bc02fcca9cca8c02cc030c00ac009c013c014009c009d"
	"002f0035000a0100018f00000013001100000e7777772e6969742e636e722e6974001700"
	"00ff01000100000a000e000c001d00170018001901000101000b00020100002300000010"
	"000e000c02683208687474702f312e310005000501000000000033006b0069001d00201d"
	"a93a0074c22fc3110383f83e0910e44cc3d736fc8292f196644d541cd7ea750017004104"
	"692ac0b01d5df430f5aec67a7ec4c19b06dd4236b0c37b2c33078a2c38edbe6f3d2077b3"
	"89b1ff762e91b57aa364e90e511c698097be19a6a6d5cb686aea78f1002b000504030403"
	"03000d0018001604030503060308040805080604010501060102030201002d0002010100"
	"1c0002400100150094000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"00000000000000000000000000";

static const char firefox0_s[] =
	"160303007a02000076030304fc854d47c607379f67e49227e4e2c1727b918179a6770509"
	"35bdf259f7baa420870310535e4a33fcc7c4d9b23f70b069d7990761d6edb7a115363be1"
	"f52a500b130200002e002b0002030400330024001d002077d7edd221d9ab97ac5de3d6a8"
	"248ab1b9a2b57c21da4d2baa402d3560f85f0f";

static const char reasms0_c[] =
	"160301018f0100018b030300957252c8b6d358dac5d363528f6f211da9a4cb42f9c02610"
	"9c75022ffeb3de20f92e17c1cd53451b0082ab31e034a3b29817d9ecad2f210125a4f452"
	"3d8f39d900061301130213030100013c002b0005040304fb1a000a00060004001d001700"
	"3300260024001d0020102c6912c7176b4a73a74770723d8db11483cf4c2df00e5b362cb4"
	"b287bed916000d000a0008040305030603080400000014001200000f692e696e73746167"
	"72616d2e636f6d0010001400120268320568322d666208687474702f312e31002d000302"
	"0100002a0000002900b2008d0087840e8e12ab969812859523d81be57ee5b1bc682d041b"
	"a879c5a6717c688d562f00000000ee7f0b937201dcee5619f1256585ad54dd992bd1577d"
	"c66bdb829a21a6415234c2c3219f05991da94cc0786f60b12c9185129b299a88a3042bca"
	"4127e914e40e04b84e6d6d602ab97a015f18eeb11c620031739efb019ad7c6df4b753357"
	"31189c8d6e5c4b3d4900212095eefcbd3ec1f911bf703dcc8c0715f295f1eeb460f15ae2"
	"7a176bd44a43771b";

static const char reasms0_s[] =
	"16030300800200007c0303a1d1187076d67341126a680ac3be1fa2dbb6d538d26ccf6888"
	"84f365cb59b91820f92e17c1cd53451b0082ab31e034a3b29817d9ecad2f210125a4f452"
	"3d8f39d91301000034002b0002fb1a00330024001d00207c833d1c5e42cf905a0b3838f0"
	"d39afa853a764a3b7bba29e1b3117c710d3d70002900020000";

static const char ech0_c[] =
	"16030102430100023f03031d2866261a24cc0c15c6deba5b0e971a19a23b72524d3a1ca2"
	"acea56d01fdbbe20e09ca0ae22123a165f0100faf20dfb792cf518b9400a8bb52ef80b3c"
	"06059cd90020aaaa130113021303c02bc02fc02cc030cca9cca8c013c014009c009d002f"
	"0035010001d66a6a00000033002b00291a1a000100001d002074494288d7ffc1faa04696"
	"8556f646b024a855feed27c793e8085413aa74113600230000ff01000100002d00020101"
	"001b0003020002000a000a00081a1a001d00170018001700000005000501000000000012"
	"0000002b000706dada03040303000d001200100403080404010503080505010806060100"
	"10000e000c02683208687474702f312e31000000250023000020706572666f726d616e63"
	"652e72616461722e636c6f7564666c6172652e636f6dfe0d00fa0000010001d800209557"
	"c100c71bf776929056d021591f6515001dc1df1125b92408d98681a5a16700d00df0970d"
	"9f7cb426c059b1e0fe95fd7c22f8a5444d65321496fa85781e4c5e31465cc703e3368adc"
	"8b46a6aab2d9d2bdee3004e5d5c0898b0355317f3212d160e1e806aa45cc3e0a35150607"
	"18c976025afd3f04b96dbd039a99f4a7d98821a9adaa372829dab7bc9965959a5a8f4ee3"
	"6506cd1baba08bd2597f464403dcfeed9a3c49f2b82e53a5ca8d09ea43158b58c78786a7"
	"2c6cfabb9999fa31aaae2a2f54142f47befcf542c80530584e2583d678322700f69cb23b"
	"f6cca0810c3def3ca164d3dfeb617e7b64dbe76e6489c4da000b00020100446900050003"
	"026832fafa000100";

static const char ech0_s[] =
	"160303007a0200007603033f88a40e4664d1bb187d9f772d530e429734423b417a3a11cd"
	"d140e8fe06a3f220e09ca0ae22123a165f0100faf20dfb792cf518b9400a8bb52ef80b3c"
	"06059cd9130100002e00330024001d0020dea41bfde6fad54bb2610fa7f848bfad2fa0c5"
	"2abc5b2fda4c6da9dc9cfaaf39002b00020304";

static const char port80_c[] =
	"16030100f0010000ec0303ce33faf9471bf356dcaa3092020170e82d96dd6a9e68907a55"
	"acf49c391d3a3500006ec030c02cc028c024c014c00a00a500a300a1009f006b006a0069"
	"00680039003800370036c032c02ec02ac026c00fc005009d003d0035c02fc02bc027c023"
	"c013c00900a400a200a0009e00670040003f003e0033003200310030c031c02dc029c025"
	"c00ec004009c003c002f00ff01000055000b000403000102000a001c001a00170019001c"
	"001b0018001a0016000e000d000b000c0009000a00230000000d0020001e060106020603"
	"050105020503040104020403030103020303020102020203000f000101";

static const char port80_s[] =
	"1603030057020000530303607c1539686a7d7a91e67601b571b75ae362136205b445da44"
	"4493b213f93cd320920741674bd61abb4b8cdbc50dbe05290ffd38d3d8ea92e52a37b331"
	"0210aaf4c02c00000b000b00020100ff01000100";

static const char missing_c[] =
	"16030105dc010005d80303446b68554d9260012052c1f908eba2d8c6f96aef9661754483"
	"de1815fb540f3920ff61a695d0e5ef48ae9ce1c5b771385cb7bbe86a0d64c8d3aaa76047"
	"1ad4ddae00206a6a130113021303c02bc02fc02cc030cca9cca8c013c014009c009d002f"
	"00350100056f8a8a00000000002c002a00002772312d2d2d736e2d3566356e7867766835"
	"6f2d686a756c2e676f6f676c65766964656f2e636f6d00170000ff01000100000a000c00"
	"0afafa4138001d00170018000b00020100002300000010000b000908687474702f312e31"
	"000500050100000000000d00120010040308040401050308050501080606010012000000"
	"3304c104bffafa000100413804924dda76babaa3c7ad33c26ff20b0b88796f788a2298aa"
	"84edf5d8ba633cb81623ce8a0a675c0852984c0deaded62773298a0bb51e21b941e792fd"
	"b745056d7aa0127fdfa9dc52cfa72466caed32ac11a9f5f671e9765b17d8fda09f5bfbc3"
	"601f5c5a021b315585a366e8b587c895832cd3ea7e88f9148e856b3464820b654558e3a5"
	"d64914425b0b386bae16b8afba6f72c6389936d1f198030b2c4d2e9aac2bbb3398deff4c"
	"848d755fd46cd9ee29770aeeb2e5a0f9cae38cb24bb8dc763c35618c64d1952bca6480e4"
	"82ce7ce2aae703894afba4cc2e48e37dd56acfc6251d4fee92117f3a4311e124c75344ed"
	"3fd8fa7dbe7e2014e6e0cdd3efe68a04381b3b91e5879f82f0a92e05918c3c26c2cb22b2"
	"88cc26c1857ac3867b16c130e2ccd99ace03d6f373093b739835f588596b459dfd1e71d3"
	"3961a5161392a56c50d5a97215ea6ad1a9a3e6aac3e6512fb2277858bf5858f03a8841fe"
	"952d87795171c57ebe8e3328c622286d79e349b8a19447897236aef6a5b51c533909fe4e"
	"2ba7e013eaac72432b443f98062ec8477159ca7e747b803707c1140639d455bd563af197"
	"b658e51e902ca7b13ef5da5a1bbf549c54b5a33e36ad30407fe85fb30c1d8e9e8e50d032"
	"de65bf98a81d1b60c9501d46eb11ae09d0e4bc288d00cba24aed2c9fedb8c097f7e72d77"
	"000e50df28ba068b95277cec97bd01f076a49c209cafaa7635364ef42a445b687ce5d6ce"
	"ce9cba46f7d624362b497973ef14e005cdf16fd3455e87bdd95b30bcefedf58fdebb0523"
	"8ce0877a02925597935b36f241eb7a534a0e1a12e3ccdd6571c24f1924a21e08e141e66c"
	"1c1e0978331ef09a855c52cb04053969927b0cea51a0caae8a5d44515d00c25376b9f4df"
	"2e72c45684e1682f1b5286e8b2f5cc83b4f2305b4795204801f22f9e3a8c5a2b974e0e35"
	"e84e744b7ffdfe651962739fbb7d24c340d64e41fbad52fb151727af22a69e4dba2a28c3"
	"6a97da067ded73367a0a4304925ab0c35a124aa305c062803588fd89ad2ef40e3aecec2f"
	"0d31a9a7d350bb0e03a6bdbf2cfb1971";

/* ---- helpers ------------------------------------------------------- */

struct bytes {
	uint8_t *p;
	size_t n;
};

static struct bytes hex(const char *h)
{
	struct bytes b;
	size_t i, n = strlen(h) / 2;

	b.p = malloc(n + 1);
	b.n = n;
	for (i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		b.p[i] = (uint8_t)v;
	}
	return b;
}

/* Handshake bytes of a record stream re-wrapped into records of at most
 * rsize payload bytes (record layer fragmentation, RFC 8446 5.1). */
static struct bytes refragment(const struct bytes *in, size_t rsize)
{
	struct bytes hs = { malloc(in->n), 0 }, out;
	size_t off = 0, i;

	while (off + 5 <= in->n) {
		size_t l = (size_t)in->p[off + 3] << 8 | in->p[off + 4];

		memcpy(hs.p + hs.n, in->p + off + 5, l);
		hs.n += l;
		off += 5 + l;
	}
	out.p = malloc(hs.n + 5 * (hs.n / rsize + 1));
	out.n = 0;
	for (i = 0; i < hs.n; i += rsize) {
		size_t l = hs.n - i < rsize ? hs.n - i : rsize;

		out.p[out.n++] = 0x16;
		out.p[out.n++] = in->p[1];
		out.p[out.n++] = in->p[2];
		out.p[out.n++] = (uint8_t)(l >> 8);
		out.p[out.n++] = (uint8_t)l;
		memcpy(out.p + out.n, hs.p + i, l);
		out.n += l;
	}
	free(hs.p);
	return out;
}

struct log {
	char s[8192];
};

static void log_add(struct log *l, const char *s)
{
	size_t n = strlen(l->s);

	snprintf(l->s + n, sizeof(l->s) - n, "%s;", s);
}

static void anomaly_cb(void *ctx, const struct sw_anomaly *a)
{
	log_add(ctx, a->event);
	FAIL_IF(a->type != SW_ANOMALY_APPLAYER);
	FAIL_IF(a->app_proto == NULL || strcmp(a->app_proto, "tls") != 0);
}

static void host_cb(void *ctx, const char *host, uint16_t port, const char *via)
{
	char b[1200];

	snprintf(b, sizeof(b), "%s:%u:%s", host, (unsigned)port, via);
	log_add(ctx, b);
}

struct emit_ctx {
	struct sw_jw w;
	struct log out;
	int events;
};

static struct sw_jw *emit_begin(void *ctx, const char *type, uint64_t ts)
{
	struct emit_ctx *e = ctx;
	char b[64];

	jw_reset(&e->w);
	jw_obj_open(&e->w, NULL);
	jw_str(&e->w, "event_type", type);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)ts);
	jw_str(&e->w, "ts", b);
	return &e->w;
}

static void emit_end(void *ctx)
{
	struct emit_ctx *e = ctx;

	jw_obj_close(&e->w);
	FAIL_IF(e->w.err != 0);
	log_add(&e->out, e->w.buf);
	e->events++;
}

struct run {
	struct sw_facts f;
	char sni[1100], alpn[300], ja3[40], ja4[40];
	struct log json, an, obs;
	struct sw_counters ctr;
	int events;
	size_t max_size;
};

static struct sw_limits g_limits;

/* The engine's side of one direction: chunks appended to what the
 * dissector left unconsumed, each slice in a guarded buffer; EOF at the end. */
struct feeder {
	void *st;
	const struct sw_app_env *env;
	struct run *r;
	uint8_t *pend;
	size_t npend;
	int dir;
};

static void feed_slice(struct feeder *f, uint8_t flags, uint64_t ts)
{
	struct sw_slice sl;
	struct sw_guarded g;
	struct sw_result res;
	size_t sz;

	memset(&sl, 0, sizeof(sl));
	sl.data = sw_guarded_copy(&g, f->pend, f->npend);
	sl.len = f->npend;
	sl.dir = (uint8_t)f->dir;
	sl.flags = flags;
	sl.ts_usec = ts;
	res = D->parse(f->st, &sl, f->env);
	sw_guarded_free(&g);
	FAIL_IF(res.status != SW_PARSE_OK && res.status != SW_PARSE_INCOMPLETE);
	if (res.status == SW_PARSE_INCOMPLETE) {
		FAIL_IF(res.consumed > f->npend);
		if (res.consumed > f->npend)
			res.consumed = f->npend;
		memmove(f->pend, f->pend + res.consumed, f->npend - res.consumed);
		f->npend -= res.consumed;
	} else {
		FAIL_IF(res.consumed != f->npend);
		f->npend = 0;
	}
	sz = D->state_size(f->st);
	if (sz > f->r->max_size)
		f->r->max_size = sz;
}

/* Feed b in chunks: cut = 0 whole, cut = SIZE_MAX 1-byte chunks, else two
 * chunks [0, cut) [cut, n). eof: end the direction after. */
#define BYTEWISE SIZE_MAX
static void feed(struct feeder *f, const struct bytes *b, size_t cut, int eof, uint64_t ts)
{
	size_t i = 0;

	f->pend = realloc(f->pend, f->npend + b->n + 1);
	while (i < b->n) {
		size_t take = cut == 0 ? b->n : cut == BYTEWISE ? 1 :
		    (i < cut ? cut - i : b->n - i);

		if (take > b->n - i)
			take = b->n - i;
		memcpy(f->pend + f->npend, b->p + i, take);
		f->npend += take;
		i += take;
		feed_slice(f, 0, ts);
	}
	if (eof)
		feed_slice(f, SW_SLICE_EOF, ts);
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "(null)");
}

/* Client bytes c (cut as above), then server bytes s whole. */
static void run_flow(const struct bytes *c, size_t cut, const struct bytes *s, struct run *r)
{
	struct sw_anomaly_sink sink = { anomaly_cb, &r->an };
	struct sw_observer ob = { NULL, NULL, host_cb, &r->obs };
	struct sw_app_env env = { &g_limits, &r->ctr, &sink, &ob, NULL };
	struct emit_ctx e;
	struct sw_emit_env eenv = { emit_begin, emit_end, &e, NULL, NULL };
	struct feeder fc, fs;

	memset(r, 0, sizeof(*r));
	memset(&e, 0, sizeof(e));
	jw_init(&e.w);
	memset(&fc, 0, sizeof(fc));
	fc.st = D->state_new(&g_limits);
	FAIL_IF(fc.st == NULL);
	fc.env = &env;
	fc.r = r;
	fc.dir = SW_DIR_TO_SERVER;
	fs = fc;
	fs.dir = SW_DIR_TO_CLIENT;
	feed(&fc, c, cut, 0, 1000);
	if (s != NULL)
		feed(&fs, s, 0, 0, 2000);
	feed_slice(&fc, SW_SLICE_EOF, 3000);
	feed_slice(&fs, SW_SLICE_EOF, 3000);
	FAIL_IF(fc.npend != 0 || fs.npend != 0);
	memset(&r->f, 0, sizeof(r->f));
	r->f.wallet_valid = -1;
	D->facts(fc.st, &r->f);
	FAIL_IF(r->f.tls && r->f.fingerprint == NULL);
	if (r->f.fingerprint != NULL)
		r->f.fingerprint(&r->f, r->f.fingerprint_state);
	copy_str(r->sni, sizeof(r->sni), r->f.sni);
	copy_str(r->alpn, sizeof(r->alpn), r->f.alpn);
	copy_str(r->ja3, sizeof(r->ja3), r->f.ja3);
	copy_str(r->ja4, sizeof(r->ja4), r->f.ja4);
	D->emit(fc.st, &eenv);
	r->json = e.out;
	r->events = e.events;
	D->state_free(fc.st);
	free(fc.pend);
	free(fs.pend);
	jw_free(&e.w);
}

static int same_run(const struct run *a, const struct run *b)
{
	return a->f.tls == b->f.tls && a->f.tls_no_sni == b->f.tls_no_sni &&
	    strcmp(a->sni, b->sni) == 0 && strcmp(a->alpn, b->alpn) == 0 &&
	    strcmp(a->ja3, b->ja3) == 0 && strcmp(a->ja4, b->ja4) == 0 &&
	    strcmp(a->json.s, b->json.s) == 0 && strcmp(a->an.s, b->an.s) == 0 &&
	    strcmp(a->obs.s, b->obs.s) == 0 &&
	    a->ctr.proto.tls_client_hellos == b->ctr.proto.tls_client_hellos;
}

/* ---- real hellos ------------------------------------------------------ */

struct vec {
	const char *name, *c_hex, *s_hex;
	const char *sni, *ja3, *ja3_full, *ja3s, *ja3s_full, *ja4, *alpn, *version;
};

/* sni/ja3/ja3_full/ja3s/ja3s_full: tshark -T fields -e
 * tls.handshake.extensions_server_name -e tls.handshake.ja3 -e
 * tls.handshake.ja3_full -e tls.handshake.ja3s -e tls.handshake.ja3s_full */
static const struct vec vecs[] = {
	{ "chrome.pcap#0", chrome0_c, chrome0_s, "www.iit.cnr.it",
	  "aa50c12a5dfa717d9d6ab34e97de79d5",
	  "771,4867-4865-4866-52393-52392-49195-49199-49196-49200-49171-49172-156-157-47-53,"
	  "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0",
	  "15af977ce25de452b96affa2addb1036", "771,4866,43-51",
	  "t13d1516h2_8daaf6152771_e5627efa2ab1", "h2", "TLS 1.3" },
	{ "chrome.pcap#1", chrome1_c, chrome1_s, "www.iit.cnr.it",
	  "1b73862eae8f1711440a446b1ef357fd",
	  "771,4867-4865-4866-52393-52392-49195-49199-49196-49200-49171-49172-156-157-47-53,"
	  "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-41,29-23-24,0",
	  "2253c82f03b621c5144709b393fde2c9", "771,4866,43-51-41",
	  "t13d1516h2_8daaf6152771_9b887d9acb53", "h2", "TLS 1.3" },
	{ "firefox.pcap#0", firefox0_c, firefox0_s, "www.iit.cnr.it",
	  "aa7744226c695c0b2e440419848cf700",
	  "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-49161-49171-49172-156-157-47-53-10,"
	  "0-23-65281-10-11-35-16-5-51-43-13-45-28-21,29-23-24-25-256-257,0",
	  "15af977ce25de452b96affa2addb1036", "771,4866,43-51",
	  "t13d1814h2_e8a523a41297_d267a5f792d4", "h2", "TLS 1.3" },
	{ "tls_2_reasms.pcapng#0", reasms0_c, reasms0_s, "i.instagram.com",
	  "44dab16d680ef93487bc16ad23b3ffb1",
	  "771,4865-4866-4867,43-10-51-13-0-16-45-42-41,29-23,",
	  "fcb2d4d0991292272fcb1e464eedfd43", "771,4865,43-51-41",
	  /* supported_versions holds 0xfb1a (a Facebook draft) above 0x0304:
	   * JA4 takes the highest value, unknown = "00" */
	  "t00d0309h2_55b375c5d22e_566d5108064c", "h2", "UNDETERMINED" },
	{ "tls_ech.pcapng#0", ech0_c, ech0_s, "performance.radar.cloudflare.com",
	  "6820f114cf3b0809ffdcb30cb277848a",
	  "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
	  "51-35-65281-45-27-10-23-5-18-43-13-16-0-65037-11-17513,29-23-24,0",
	  "eb1d94daa7e0344597e756a1fb6e7054", "771,4865,51-43",
	  "t13d1516h2_8daaf6152771_02713d6af862", "h2", "TLS 1.3" },
	{ "tls_port_80.pcapng#0", port80_c, port80_s, NULL,
	  "3f2fba0262b1a22b739126dfb2fe7a7d",
	  "771,49200-49196-49192-49188-49172-49162-165-163-161-159-107-106-105-104-57-56-55-54-"
	  "49202-49198-49194-49190-49167-49157-157-61-53-49199-49195-49191-49187-49171-49161-"
	  "164-162-160-158-103-64-63-62-51-50-49-48-49201-49197-49193-49189-49166-49156-156-60-"
	  "47-255,11-10-35-13-15,23-25-28-27-24-26-22-14-13-11-12-9-10,0-1-2",
	  "107030a763c7224285717ff1569a17f3", "771,49196,11-65281",
	  "t12i550500_168bb377f8c8_a1e935682795", NULL, "TLS 1.2" },
};

static void test_vector(const struct vec *v)
{
	struct bytes c = hex(v->c_hex), s = hex(v->s_hex);
	struct run whole, r;
	char want[4096];
	size_t k;
	static const size_t rsizes[] = { 1, 2, 3, 4, 5, 7, 13, 64, 100, 255, 256, 511 };

	FAIL_UNLESS(D->probe(c.p, c.n, SW_DIR_TO_SERVER) == SW_PROBE_YES);
	FAIL_UNLESS(D->probe(c.p, c.n, SW_DIR_TO_CLIENT) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(s.p, s.n, SW_DIR_TO_SERVER) == SW_PROBE_NO);
	for (k = 0; k < 6; k++)
		FAIL_UNLESS(D->probe(c.p, k, SW_DIR_TO_SERVER) == SW_PROBE_MAYBE);

	run_flow(&c, 0, &s, &whole);
	EXPECT_EQ_U64(whole.f.tls, 1);
	EXPECT_EQ_U64(whole.f.tls_no_sni, v->sni == NULL);
	EXPECT_STREQ(whole.sni, v->sni ? v->sni : "(null)");
	EXPECT_STREQ(whole.ja3, v->ja3);
	EXPECT_STREQ(whole.ja4, v->ja4);
	EXPECT_STREQ(whole.alpn, v->alpn ? v->alpn : "(null)");
	EXPECT_EQ_U64(whole.ctr.proto.tls_client_hellos, 1);
	EXPECT_EQ_U64(whole.ctr.proto.tls_server_hellos, 1);
	EXPECT_EQ_U64(whole.ctr.proto.tls_malformed, 0);
	EXPECT_EQ_U64(whole.ctr.proto.tls_no_sni, v->sni == NULL);
	EXPECT_EQ_U64(whole.events, 1);
	EXPECT_STREQ(whole.an.s, "");
	snprintf(want, sizeof(want), "%s%s", v->sni ? v->sni : "", v->sni ? ":0:sni;" : "");
	EXPECT_STREQ(whole.obs.s, want);
	snprintf(want, sizeof(want), "\"ja3\":{\"hash\":\"%s\",\"string\":\"%s\"}", v->ja3, v->ja3_full);
	FAIL_UNLESS(strstr(whole.json.s, want) != NULL);
	snprintf(want, sizeof(want), "\"ja3s\":{\"hash\":\"%s\",\"string\":\"%s\"}", v->ja3s, v->ja3s_full);
	FAIL_UNLESS(strstr(whole.json.s, want) != NULL);
	snprintf(want, sizeof(want), "\"version\":\"%s\"", v->version);
	FAIL_UNLESS(strstr(whole.json.s, want) != NULL);
	/* JA3 hash is the MD5 of the JA3 string */
	{
		char h[33];

		md5_hex((const uint8_t *)v->ja3_full, strlen(v->ja3_full), h);
		EXPECT_STREQ(h, v->ja3);
		md5_hex((const uint8_t *)v->ja3s_full, strlen(v->ja3s_full), h);
		EXPECT_STREQ(h, v->ja3s);
	}

	for (k = 1; k < c.n; k++) {
		run_flow(&c, k, &s, &r);
		if (!same_run(&whole, &r)) {
			fprintf(stderr, "%s: split at %zu differs\n", v->name, k);
			FAIL_IF(1);
			break;
		}
	}
	run_flow(&c, BYTEWISE, &s, &r);
	FAIL_UNLESS(same_run(&whole, &r));
	for (k = 0; k < sizeof(rsizes) / sizeof(rsizes[0]); k++) {
		struct bytes fr = refragment(&c, rsizes[k]);

		run_flow(&fr, 0, &s, &r);
		if (!same_run(&whole, &r)) {
			fprintf(stderr, "%s: records of %zu differ\n", v->name, rsizes[k]);
			FAIL_IF(1);
		}
		run_flow(&fr, BYTEWISE, &s, &r);
		FAIL_UNLESS(same_run(&whole, &r));
		free(fr.p);
	}
	/* truncated at every length, then EOF: never a hello, never a crash */
	for (k = 0; k < c.n; k++) {
		struct bytes t = { c.p, k };

		run_flow(&t, 0, NULL, &r);
		FAIL_IF(r.f.tls != 0 || r.events != 0);
	}
	free(c.p);
	free(s.p);
}

/* The exact event for chrome.pcap stream 0. */
static void test_event(void)
{
	struct bytes c = hex(chrome0_c), s = hex(chrome0_s);
	struct run r;

	run_flow(&c, 0, &s, &r);
	EXPECT_STREQ(r.json.s,
	    "{\"event_type\":\"tls\",\"ts\":\"1000\",\"tls\":{\"sni\":\"www.iit.cnr.it\","
	    "\"version\":\"TLS 1.3\",\"ja3\":{\"hash\":\"aa50c12a5dfa717d9d6ab34e97de79d5\","
	    "\"string\":\"771,4867-4865-4866-52393-52392-49195-49199-49196-49200-49171-49172-"
	    "156-157-47-53,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0\"},"
	    "\"ja3s\":{\"hash\":\"15af977ce25de452b96affa2addb1036\",\"string\":\"771,4866,43-51\"},"
	    "\"ja4\":\"t13d1516h2_8daaf6152771_e5627efa2ab1\",\"alpn\":[\"h2\",\"http/1.1\"]}};");
	/* without the ServerHello the version is the client's best */
	run_flow(&c, 0, NULL, &r);
	FAIL_UNLESS(strstr(r.json.s, "\"version\":\"TLS 1.3\"") != NULL);
	FAIL_UNLESS(strstr(r.json.s, "ja3s") == NULL);
	free(c.p);
	free(s.p);
}

/* ---- hand-built hellos --------------------------------------------------- */

struct hb {
	uint8_t b[70000];
	size_t n;
};

static void hb_u8(struct hb *h, unsigned v) { h->b[h->n++] = (uint8_t)v; }
static void hb_u16(struct hb *h, unsigned v) { hb_u8(h, v >> 8); hb_u8(h, v & 0xff); }
static void hb_put(struct hb *h, const void *p, size_t n) { memcpy(h->b + h->n, p, n); h->n += n; }
static void hb_len16_at(struct hb *h, size_t at) { h->b[at] = (uint8_t)((h->n - at - 2) >> 8); h->b[at + 1] = (uint8_t)(h->n - at - 2); }

/* A ClientHello body: ciphers, then extensions given as (type, body). */
struct ext {
	uint16_t type;
	const uint8_t *body;
	size_t n;
};

static void hello_body(struct hb *h, uint16_t ver, const uint16_t *cs, size_t ncs,
    const struct ext *ex, size_t nex)
{
	size_t i, at;
	uint8_t rnd[32] = { 0 };

	h->n = 0;
	hb_u16(h, ver);
	hb_put(h, rnd, 32);
	hb_u8(h, 0);
	hb_u16(h, (unsigned)(2 * ncs));
	for (i = 0; i < ncs; i++)
		hb_u16(h, cs[i]);
	hb_u8(h, 1);
	hb_u8(h, 0);
	at = h->n;
	hb_u16(h, 0);
	for (i = 0; i < nex; i++) {
		hb_u16(h, ex[i].type);
		hb_u16(h, (unsigned)ex[i].n);
		hb_put(h, ex[i].body, ex[i].n);
	}
	hb_len16_at(h, at);
}

/* JA4.md's worked example: ciphers, extensions and signature algorithms in
 * the order of its JA4_ro string, with GREASE values mixed in. */
static void test_ja4_spec(void)
{
	static const uint16_t cs[] = { 0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
		0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035 };
	static const uint8_t sni[] = { 0, 14, 0, 0, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm' };
	static const uint8_t alpn[] = { 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
	static const uint8_t sig[] = { 0, 16, 4, 3, 8, 4, 4, 1, 5, 3, 8, 5, 5, 1, 8, 6, 6, 1 };
	static const uint8_t vers[] = { 6, 0x3a, 0x3a, 3, 4, 3, 3 };
	static const uint8_t groups[] = { 0, 6, 0x5a, 0x5a, 0, 29, 0, 23 };
	static const uint8_t pf[] = { 1, 0 };
	static const uint8_t empty[1] = { 0 };
	/* 001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015 */
	const struct ext ex[] = {
		{ 0x2a2a, empty, 0 }, { 0x001b, empty, 0 }, { 0x0000, sni, sizeof(sni) },
		{ 0x0033, empty, 0 }, { 0x0010, alpn, sizeof(alpn) }, { 0x4469, empty, 0 },
		{ 0x0017, empty, 0 }, { 0x002d, empty, 0 }, { 0x000d, sig, sizeof(sig) },
		{ 0x0005, empty, 0 }, { 0x0023, empty, 0 }, { 0x0012, empty, 0 },
		{ 0x002b, vers, sizeof(vers) }, { 0xff01, empty, 0 }, { 0x000b, pf, sizeof(pf) },
		{ 0x000a, groups, sizeof(groups) }, { 0x0015, empty, 0 }, { 0xfafa, empty, 0 },
	};
	static struct hb h;
	struct tls_hello th;
	char ja4[TLS_JA4_LEN], ja3h[33], *ja3;
	const char *b_raw = "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9";
	const char *c_raw = "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
	    "0403,0804,0401,0503,0805,0501,0806,0601";
	uint8_t dg[32];

	/* the two hashes of the example, from its raw strings */
	sha256((const uint8_t *)b_raw, strlen(b_raw), dg);
	FAIL_UNLESS(dg[0] == 0x8d && dg[1] == 0xaa && dg[2] == 0xf6 && dg[5] == 0x71);
	sha256((const uint8_t *)c_raw, strlen(c_raw), dg);
	FAIL_UNLESS(dg[0] == 0xe5 && dg[1] == 0x62 && dg[2] == 0x7e && dg[5] == 0xb1);

	hello_body(&h, 0x0303, cs, sizeof(cs) / 2, ex, sizeof(ex) / sizeof(ex[0]));
	FAIL_UNLESS(tls_hello_parse(h.b, h.n, &th) == 0);
	EXPECT_EQ_U64(tls_hello_version(&th), 0x0304);
	FAIL_UNLESS(th.sni_len == 11 && memcmp(th.sni, "example.com", 11) == 0);
	FAIL_UNLESS(tls_ja4(&th, ja4) == 0);
	EXPECT_STREQ(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	ja3 = tls_ja3(&th, ja3h);
	EXPECT_STREQ(ja3, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-"
	    "156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23,0");
	free(ja3);
}

/* JA4.md "ALPN Extension Value" cases, and the empty lists. */
static void ja4_of(const uint8_t *alpn_body, size_t n, int with_ciphers, char out[TLS_JA4_LEN])
{
	static const uint16_t cs[] = { 0x1301 };
	static struct hb h;
	struct tls_hello th;
	struct ext ex = { 0x0010, alpn_body, n };

	hello_body(&h, 0x0303, cs, with_ciphers ? 1 : 0, &ex, alpn_body ? 1 : 0);
	FAIL_UNLESS(tls_hello_parse(h.b, h.n, &th) == 0);
	FAIL_UNLESS(tls_ja4(&th, out) == 0);
}

static void test_ja4_alpn(void)
{
	static const uint8_t ab[] = { 0, 2, 1, 0xab };
	static const uint8_t abcd[] = { 0, 3, 2, 0xab, 0xcd };
	static const uint8_t x30ab[] = { 0, 3, 2, 0x30, 0xab };
	static const uint8_t x3031abcd[] = { 0, 5, 4, 0x30, 0x31, 0xab, 0xcd };
	static const uint8_t x30abcd31[] = { 0, 5, 4, 0x30, 0xab, 0xcd, 0x31 };
	static const uint8_t http11[] = { 0, 9, 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
	static const uint8_t single[] = { 0, 2, 1, 'x' };
	static const uint8_t emptyv[] = { 0, 1, 0 };
	static const uint8_t nolist[] = { 0, 0 };
	char j[TLS_JA4_LEN];

	ja4_of(ab, sizeof(ab), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "ab_", 3) == 0);
	ja4_of(abcd, sizeof(abcd), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "ad_", 3) == 0);
	ja4_of(x30ab, sizeof(x30ab), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "3b_", 3) == 0);
	ja4_of(x3031abcd, sizeof(x3031abcd), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "3d_", 3) == 0);
	ja4_of(x30abcd31, sizeof(x30abcd31), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "01_", 3) == 0);
	ja4_of(http11, sizeof(http11), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "h1_", 3) == 0);
	ja4_of(single, sizeof(single), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "xx_", 3) == 0);
	ja4_of(emptyv, sizeof(emptyv), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "00_", 3) == 0);
	ja4_of(nolist, sizeof(nolist), 1, j);
	FAIL_UNLESS(memcmp(j + 8, "00_", 3) == 0);
	/* no ALPN: only the ALPN extension was there, so no extension is left
	 * for c; no cipher for b; both are twelve zeros */
	ja4_of(NULL, 0, 0, j);
	EXPECT_STREQ(j, "t12i000000_000000000000_000000000000");
	ja4_of(http11, sizeof(http11), 0, j);
	EXPECT_STREQ(j, "t12i0001h1_000000000000_000000000000");
}

/* Wrap a hello body into one handshake message and records of rsize. */
static struct bytes wrap(const struct hb *h, size_t rsize)
{
	struct bytes one, out;

	one.n = 5 + 4 + h->n;
	one.p = malloc(one.n);
	one.p[0] = 0x16;
	one.p[1] = 3;
	one.p[2] = 1;
	one.p[3] = (uint8_t)((4 + h->n) >> 8);
	one.p[4] = (uint8_t)(4 + h->n);
	one.p[5] = 1;
	one.p[6] = (uint8_t)(h->n >> 16);
	one.p[7] = (uint8_t)(h->n >> 8);
	one.p[8] = (uint8_t)h->n;
	memcpy(one.p + 9, h->b, h->n);
	if (rsize == 0)
		return one;
	out = refragment(&one, rsize);
	free(one.p);
	return out;
}

/* The fingerprints a flow gives for hello body h, and those tls_ja3 and
 * tls_ja4 make of it directly: the same, whatever the flows before it. */
static void memo_check(const struct hb *h)
{
	struct tls_hello th;
	char ja4[TLS_JA4_LEN], ja3h[33], *ja3;
	struct bytes c = wrap(h, 0);
	struct run r;

	FAIL_UNLESS(tls_hello_parse(h->b, h->n, &th) == 0);
	FAIL_UNLESS(tls_ja4(&th, ja4) == 0);
	ja3 = tls_ja3(&th, ja3h);
	FAIL_IF(ja3 == NULL);
	run_flow(&c, 0, NULL, &r);
	EXPECT_STREQ(r.ja3, ja3h);
	EXPECT_STREQ(r.ja4, ja4);
	FAIL_UNLESS(strstr(r.json.s, ja3) != NULL); /* the JA3 text, in the event */
	free(ja3);
	free(c.p);
}

/* tls.c keeps the fingerprints of recent hellos for the next flow that
 * sends the same one: hellos that differ in one thing a fingerprint reads,
 * each after the others (so the kept one of its neighbour is there), must
 * not take each other's. The pairs: the version; a value moved from
 * supported_groups into signature_algorithms (the same bytes kept, split
 * elsewhere); extension order; supported_versions; the ALPN value; an
 * empty server_name (no SNI, but the extension is there); point formats. */
static void test_fp_memo(void)
{
	static const uint16_t cs[] = { 0x1301, 0x1302, 0xc02b };
	static const uint8_t g2[] = { 0, 4, 0, 29, 0, 23 }, s1[] = { 0, 2, 4, 3 };
	static const uint8_t g1[] = { 0, 2, 0, 29 }, s2[] = { 0, 4, 0, 23, 4, 3 };
	static const uint8_t v13[] = { 2, 3, 4 }, v12[] = { 2, 3, 3 };
	static const uint8_t h2[] = { 0, 3, 2, 'h', '2' }, h3[] = { 0, 3, 2, 'h', '3' };
	static const uint8_t pf0[] = { 1, 0 }, pf1[] = { 1, 1 }, empty[1] = { 0 };
	const struct ext a[] = { { 0x000a, g2, sizeof(g2) }, { 0x000d, s1, sizeof(s1) },
		{ 0x002b, v13, sizeof(v13) }, { 0x0010, h2, sizeof(h2) }, { 0x000b, pf0, sizeof(pf0) } };
	const struct ext split[] = { { 0x000a, g1, sizeof(g1) }, { 0x000d, s2, sizeof(s2) },
		{ 0x002b, v13, sizeof(v13) }, { 0x0010, h2, sizeof(h2) }, { 0x000b, pf0, sizeof(pf0) } };
	const struct ext order[] = { { 0x000d, s1, sizeof(s1) }, { 0x000a, g2, sizeof(g2) },
		{ 0x002b, v13, sizeof(v13) }, { 0x0010, h2, sizeof(h2) }, { 0x000b, pf0, sizeof(pf0) } };
	const struct ext vers[] = { { 0x000a, g2, sizeof(g2) }, { 0x000d, s1, sizeof(s1) },
		{ 0x002b, v12, sizeof(v12) }, { 0x0010, h2, sizeof(h2) }, { 0x000b, pf0, sizeof(pf0) } };
	const struct ext alpn[] = { { 0x000a, g2, sizeof(g2) }, { 0x000d, s1, sizeof(s1) },
		{ 0x002b, v13, sizeof(v13) }, { 0x0010, h3, sizeof(h3) }, { 0x000b, pf0, sizeof(pf0) } };
	const struct ext sni[] = { { 0x000a, g2, sizeof(g2) }, { 0x000d, s1, sizeof(s1) },
		{ 0x002b, v13, sizeof(v13) }, { 0x0010, h2, sizeof(h2) }, { 0x000b, pf0, sizeof(pf0) },
		{ 0x0000, empty, 0 } };
	const struct ext pf[] = { { 0x000a, g2, sizeof(g2) }, { 0x000d, s1, sizeof(s1) },
		{ 0x002b, v13, sizeof(v13) }, { 0x0010, h2, sizeof(h2) }, { 0x000b, pf1, sizeof(pf1) } };
	const struct {
		uint16_t ver;
		size_t ncs;
		const struct ext *ex;
		size_t nex;
	} v[] = { { 0x0303, 3, a, 5 }, { 0x0301, 3, a, 5 }, { 0x0303, 3, split, 5 },
		{ 0x0303, 3, order, 5 }, { 0x0303, 3, vers, 5 }, { 0x0303, 3, alpn, 5 },
		{ 0x0303, 3, sni, 6 }, { 0x0303, 3, pf, 5 }, { 0x0303, 2, a, 5 } };
	static struct hb h;
	size_t i;

	/* each twice: made, then (most likely) taken from what was kept */
	for (i = 0; i < 2 * sizeof(v) / sizeof(v[0]); i++) {
		hello_body(&h, v[i / 2].ver, cs, v[i / 2].ncs, v[i / 2].ex, v[i / 2].nex);
		memo_check(&h);
	}
}

/* The ALPN list in the tls event: the first 8 protocols, escaped, within
 * 512 bytes of text (each protocol budgeted at its worst case, 4 bytes a
 * byte); nothing after the first that does not fit. */
static void alpn_event(const uint8_t *alpn, size_t n, const char *want)
{
	static const uint16_t cs[] = { 0x1301 };
	const struct ext ex = { 0x0010, alpn, n };
	static struct hb h;
	struct bytes c;
	struct run r;
	const char *got;

	hello_body(&h, 0x0303, cs, 1, &ex, 1);
	c = wrap(&h, 0);
	run_flow(&c, 0, NULL, &r);
	got = strstr(r.json.s, "\"alpn\":");
	EXPECT_STREQ(got != NULL ? got : "(none)", want);
	free(c.p);
}

static void test_alpn_list(void)
{
	uint8_t b[2 + 10 * 130];
	size_t n = 2, i;

	/* ten short ones, one with a backslash, one with a control byte */
	for (i = 0; i < 10; i++) {
		b[n++] = 2;
		b[n++] = 'p';
		b[n++] = (uint8_t)(i == 3 ? '\\' : i == 5 ? 1 : '0' + i);
	}
	b[0] = (uint8_t)((n - 2) >> 8);
	b[1] = (uint8_t)(n - 2);
	alpn_event(b, n, "\"alpn\":[\"p0\",\"p1\",\"p2\",\"p\\\\\\\\\",\"p4\","
	    "\"p\\\\001\",\"p6\",\"p7\"]}};");
	/* 120-byte protocols: the budget (481 each) fits only the first */
	n = 2;
	for (i = 0; i < 3; i++) {
		b[n++] = 120;
		memset(b + n, 'a' + (int)i, 120);
		n += 120;
	}
	b[0] = (uint8_t)((n - 2) >> 8);
	b[1] = (uint8_t)(n - 2);
	{
		char want[200];

		snprintf(want, sizeof(want), "\"alpn\":[\"%.120s\"]}};",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		alpn_event(b, n, want);
	}
	/* an empty list: no key */
	b[0] = 0;
	b[1] = 0;
	alpn_event(b, 2, "(none)");
}

static void test_hostile(void)
{
	static struct hb h;
	static const uint16_t cs[] = { 0x1301 };
	struct bytes b;
	struct run r;
	uint8_t big[70000];
	size_t i;

	/* a 70000-byte hello over 5 records: refused at its header, counted */
	memset(big, 0, sizeof(big));
	h.n = 70000;
	memcpy(h.b, big, h.n);
	b = wrap(&h, 16384);
	run_flow(&b, 0, NULL, &r);
	EXPECT_EQ_U64(r.f.tls, 0);
	EXPECT_EQ_U64(r.ctr.proto.tls_hello_too_large, 1);
	EXPECT_STREQ(r.an.s, "tls.hello_too_large;");
	FAIL_IF(r.max_size > 4096);
	free(b.p);

	/* a 60000-byte hello (legal, under the cap) in 1-byte records */
	hello_body(&h, 0x0303, cs, 1, NULL, 0);
	{
		/* pad with one big unknown extension */
		size_t at = h.n - 2, pad = 60000;

		hb_u16(&h, 0x7777);
		hb_u16(&h, (unsigned)pad);
		memset(h.b + h.n, 'p', pad);
		h.n += pad;
		hb_len16_at(&h, at);
	}
	b = wrap(&h, 1);
	run_flow(&b, 0, NULL, &r);
	EXPECT_EQ_U64(r.f.tls, 1);
	EXPECT_EQ_U64(r.f.tls_no_sni, 1);
	/* sha256("1301") and sha256("7777"), first 12 hex digits */
	EXPECT_STREQ(r.ja4, "t12i010100_0f2cb44170f4_41c991eb6a66");
	FAIL_IF(r.max_size > 70000);
	free(b.p);

	/* bytes after the extensions block; an extension running past the
	 * block; a cipher list of odd length */
	for (i = 0; i < 3; i++) {
		hello_body(&h, 0x0303, cs, 1, NULL, 0);
		hb_u16(&h, 0x0000);
		hb_u16(&h, 500);
		if (i == 1)
			hb_len16_at(&h, h.n - 6);
		if (i == 2)
			h.b[36] = 3; /* cipher list length 3 */
		b = wrap(&h, 0);
		run_flow(&b, 0, NULL, &r);
		EXPECT_EQ_U64(r.f.tls, 0);
		EXPECT_EQ_U64(r.ctr.proto.tls_malformed, 1);
		EXPECT_STREQ(r.an.s, "tls.malformed_client_hello;");
		EXPECT_EQ_U64(r.events, 0);
		free(b.p);
	}

	/* SNI with control bytes and a backslash: escaped, not cut */
	{
		static const uint8_t sni[] = { 0, 10, 0, 0, 7, 'a', 0, '\\', 'b', 0xff, '.', 'c' };
		struct ext ex = { 0, sni, sizeof(sni) };

		hello_body(&h, 0x0303, cs, 1, &ex, 1);
		b = wrap(&h, 0);
		run_flow(&b, 0, NULL, &r);
		EXPECT_STREQ(r.sni, "a\\000\\\\b\\255.c");
		free(b.p);
	}
	/* server_name present but no host_name entry: "d" in JA4, no SNI */
	{
		static const uint8_t sni[] = { 0, 4, 7, 0, 1, 'x' };
		struct ext ex = { 0, sni, sizeof(sni) };

		hello_body(&h, 0x0303, cs, 1, &ex, 1);
		b = wrap(&h, 0);
		run_flow(&b, 0, NULL, &r);
		EXPECT_EQ_U64(r.f.tls, 1);
		EXPECT_EQ_U64(r.f.tls_no_sni, 1);
		FAIL_UNLESS(r.ja4[3] == 'd');
		EXPECT_STREQ(r.obs.s, "");
		free(b.p);
	}
	/* a 2000-byte SNI: the last 1024 bytes kept, reported once */
	{
		static uint8_t sni[2005];
		struct ext ex = { 0, sni, sizeof(sni) };

		sni[0] = (uint8_t)(2003 >> 8);
		sni[1] = (uint8_t)2003;
		sni[2] = 0;
		sni[3] = (uint8_t)(2000 >> 8);
		sni[4] = (uint8_t)2000;
		memset(sni + 5, 'a', 2000);
		memcpy(sni + 2005 - 9, ".pool.com", 9);
		hello_body(&h, 0x0303, cs, 1, &ex, 1);
		b = wrap(&h, 0);
		run_flow(&b, 0, NULL, &r);
		EXPECT_EQ_U64(strlen(r.sni), 1024);
		FAIL_UNLESS(strcmp(r.sni + 1024 - 9, ".pool.com") == 0);
		EXPECT_STREQ(r.an.s, "tls.sni_too_long;");
		free(b.p);
	}
	/* an alert record first; application data first; a record too long */
	{
		static const uint8_t alert[] = { 0x15, 3, 3, 0, 2, 2, 40 };
		struct bytes a = { (uint8_t *)alert, sizeof(alert) };

		run_flow(&a, 0, NULL, &r);
		EXPECT_EQ_U64(r.f.tls, 0);
		EXPECT_STREQ(r.an.s, "tls.unexpected_record;");
	}
	/* the client's first message is not a ClientHello */
	{
		static const uint8_t fin[] = { 0x16, 3, 3, 0, 44, 20, 0, 0, 40 };
		uint8_t m[49];
		struct bytes a = { m, sizeof(m) };

		memset(m, 0, sizeof(m));
		memcpy(m, fin, sizeof(fin));
		run_flow(&a, 0, NULL, &r);
		EXPECT_EQ_U64(r.f.tls, 0);
		EXPECT_STREQ(r.an.s, "tls.malformed_client_hello;");
	}
	/* random bytes after a valid record header, at every length */
	{
		uint8_t m[300];
		uint32_t x = 12345;

		for (i = 0; i < sizeof(m); i++) {
			x = x * 1103515245 + 12345;
			m[i] = (uint8_t)(x >> 16);
		}
		m[0] = 0x16, m[1] = 3, m[2] = 1, m[3] = 1, m[4] = 39, m[5] = 1;
		for (i = 0; i <= sizeof(m); i++) {
			struct bytes a = { m, i };

			run_flow(&a, 0, NULL, &r);
			run_flow(&a, BYTEWISE, NULL, &r);
		}
	}
}

/* tls_missing_ch_frag.pcap: 482 bytes of the ClientHello were never
 * captured; after the gap nothing is parsed and nothing is made up. */
static void test_gap(void)
{
	struct bytes c = hex(missing_c);
	struct sw_anomaly_sink sink = { anomaly_cb, NULL };
	struct run r;
	struct sw_app_env env;
	struct sw_slice sl;
	struct sw_result res;
	struct sw_facts f;
	void *st = D->state_new(&g_limits);
	uint8_t after[80];

	memset(&r, 0, sizeof(r));
	sink.ctx = &r.an;
	env.limits = &g_limits;
	env.counters = &r.ctr;
	env.anomalies = &sink;
	env.observer = NULL;
	env.emit = NULL;
	FAIL_UNLESS(D->probe(c.p, c.n, SW_DIR_TO_SERVER) == SW_PROBE_YES);
	memset(&sl, 0, sizeof(sl));
	sl.data = c.p;
	sl.len = c.n;
	res = D->parse(st, &sl, &env);
	EXPECT_EQ_U64(res.status, SW_PARSE_INCOMPLETE);
	EXPECT_EQ_U64(res.consumed, 0);
	memset(after, 0x17, sizeof(after));
	sl.data = after;
	sl.len = sizeof(after);
	sl.flags = SW_SLICE_GAP;
	sl.gap_len = 482;
	res = D->parse(st, &sl, &env);
	EXPECT_EQ_U64(res.status, SW_PARSE_OK);
	EXPECT_EQ_U64(res.consumed, sizeof(after));
	memset(&f, 0, sizeof(f));
	D->facts(st, &f);
	EXPECT_EQ_U64(f.tls, 0);
	EXPECT_EQ_U64(r.ctr.proto.tls_client_hellos, 0);
	D->state_free(st);
	free(c.p);
}

static void test_probe(void)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t sslv2[] = { 0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15 };
	static const uint8_t shello[] = { 0x16, 3, 3, 0, 0x7a, 2, 0, 0, 0x76, 3, 3 };
	static const uint8_t badver[] = { 0x16, 3, 9, 0, 0x7a, 1, 0, 0, 0x76, 3, 3 };
	static const uint8_t huge[] = { 0x16, 3, 1, 0xff, 0xff, 1, 0, 0, 0x76, 3, 3 };
	static const uint8_t shortch[] = { 0x16, 3, 1, 0, 0x20, 1, 0, 0, 0x1c, 3, 3 };
	static const uint8_t frag[] = { 0x16, 3, 1, 0, 1, 1, 0x16, 3, 1, 0, 3 };
	static const uint8_t stratum[] = "{\"id\":1,\"method\":\"login\"}\n";

	FAIL_UNLESS(D->probe(http, sizeof(http) - 1, 0) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(stratum, sizeof(stratum) - 1, 0) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(sslv2, sizeof(sslv2), 0) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(shello, sizeof(shello), 0) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(badver, sizeof(badver), 0) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(huge, sizeof(huge), 0) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(shortch, sizeof(shortch), 0) == SW_PROBE_NO);
	/* a one-byte first record: its only byte says ClientHello */
	FAIL_UNLESS(D->probe(frag, sizeof(frag), 0) == SW_PROBE_YES);
	FAIL_UNLESS(D->probe(http, 0, 0) == SW_PROBE_MAYBE);
}

static void test_md5(void)
{
	static const char *const in[] = { "", "abc", "message digest",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890" };
	static const char *const out[] = { "d41d8cd98f00b204e9800998ecf8427e",
		"900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
		"57edf4a22be3c955ac49da2e2107b67a" };
	char h[33];
	size_t i;

	for (i = 0; i < 4; i++) {
		md5_hex((const uint8_t *)in[i], strlen(in[i]), h);
		EXPECT_STREQ(h, out[i]); /* RFC 1321 appendix A.5 */
	}
	/* lengths around the padding boundary: 55, 56, 63, 64 bytes */
	{
		static const uint8_t z[64];
		static const char *const zo[] = { "c9ea3314b91c9fd4e38f9432064fd1f2",
			"e3c4dd21a9171fd39d208efa09bf7883", "65cecfb980d72fde57d175d6ec1c3f64",
			"3b5d3c7d207e37dceeedd301e35e2e58" };
		static const size_t zl[] = { 55, 56, 63, 64 };

		for (i = 0; i < 4; i++) {
			md5_hex(z, zl[i], h);
			EXPECT_STREQ(h, zo[i]);
		}
	}
}

int main(void)
{
	size_t i;

	sw_limits_default(&g_limits);
	test_md5();
	test_probe();
	test_ja4_spec();
	test_ja4_alpn();
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		test_vector(&vecs[i]);
	test_event();
	test_alpn_list();
	test_fp_memo();
	test_hostile();
	test_gap();
	return sw_test_done("test_tls");
}
