/* ndpi-ptree-memo.c: nDPI 4.2's look-ups of an address in its IP lists,
 * remembered.
 *
 * For every new flow it sees, nDPI asks ndpi_network_port_ptree_match
 * about both addresses (ndpi_guess_host_protocol_id), and its Hangout
 * dissector asks ndpi_network_ptree_match about both addresses of every
 * UDP packet it looks at: on the mixed benchmark's first 100,000 packets
 * 18,500 walks of a patricia tree at 330 to 350 instructions each, most
 * of them for addresses asked just before (a broadcast address, a busy
 * server, the two ends of a flow asked again on its next packet). The
 * answer depends only on the address, the port and the tree; nDPI builds
 * the tree while it initialises and stratumwatch never changes it after
 * (it loads no custom protocol or IP list later). So the answers are kept
 * in a small direct-mapped table per thread, keyed by the nDPI module as
 * well (a module freed and another made at its address would be harmless:
 * every module stratumwatch makes has the same lists), and the
 * library's own function, found with RTLD_NEXT as in ndpi-override.c, is
 * asked on a miss. Both names are exported and libndpi calls them through
 * its PLT, so its calls bind here. test_ndpi_override checks the binding
 * and compares the answers with the library's on random and listed
 * addresses, repeated and colliding. Only the stratumwatch binary (and
 * that test) links this file. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

#include <ndpi_api.h>


/* 512 answers of each kind (8 KiB a table): more gave no more hits on
 * the benchmark's flows. */
#define MEMO_BITS 9
#define MEMO_SIZE (1u << MEMO_BITS)

struct memo_entry {
	const void *mod;   /* NULL: empty */
	uint32_t addr;     /* network byte order, as asked */
	uint16_t port;     /* network byte order; 0 for the port-less kind */
	uint16_t proto;
};

static _Thread_local struct memo_entry port_memo[MEMO_SIZE], addr_memo[MEMO_SIZE];

typedef u_int16_t (*port_match_fn)(struct ndpi_detection_module_struct *, struct in_addr *,
    u_int16_t);
typedef u_int16_t (*addr_match_fn)(struct ndpi_detection_module_struct *, struct in_addr *);

static port_match_fn lib_port_match;
static addr_match_fn lib_addr_match;

/* Before main, so that no thread finds them unset. */
__attribute__((constructor)) static void memo_bind(void)
{
	lib_port_match = (port_match_fn)dlsym(RTLD_NEXT, "ndpi_network_port_ptree_match");
	lib_addr_match = (addr_match_fn)dlsym(RTLD_NEXT, "ndpi_network_ptree_match");
}

static unsigned memo_slot(uint32_t addr, uint16_t port)
{
	return (unsigned)(((addr ^ (uint32_t)port << 16) * 0x9e3779b1u) >> (32 - MEMO_BITS));
}

u_int16_t ndpi_network_port_ptree_match(struct ndpi_detection_module_struct *ndpi_struct,
    struct in_addr *pin, u_int16_t port)
{
	struct memo_entry *m = &port_memo[memo_slot(pin->s_addr, port)];

	if (m->mod == ndpi_struct && m->addr == pin->s_addr && m->port == port)
		return m->proto;
	if (lib_port_match == NULL)
		return NDPI_PROTOCOL_UNKNOWN; /* not reached: libndpi defines it */
	m->proto = lib_port_match(ndpi_struct, pin, port);
	m->mod = ndpi_struct;
	m->addr = pin->s_addr;
	m->port = port;
	return m->proto;
}

u_int16_t ndpi_network_ptree_match(struct ndpi_detection_module_struct *ndpi_struct,
    struct in_addr *pin)
{
	struct memo_entry *m = &addr_memo[memo_slot(pin->s_addr, 0)];

	if (m->mod == ndpi_struct && m->addr == pin->s_addr)
		return m->proto;
	if (lib_addr_match == NULL)
		return NDPI_PROTOCOL_UNKNOWN;
	m->proto = lib_addr_match(ndpi_struct, pin);
	m->mod = ndpi_struct;
	m->addr = pin->s_addr;
	m->port = 0;
	return m->proto;
}
