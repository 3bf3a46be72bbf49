/* test_flow.c: the flow table's own parts that outputs depend on byte for
 * byte: the pool a flow names (flow_set_pool). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "sw_test.h"

static void test_set_pool(void)
{
	struct sw_flow f;

	memset(&f, 0, sizeof(f));
	/* a coin that fits, then none: the name and via replaced with it */
	flow_set_pool(&f, "pool.example", "dns", "xmr");
	FAIL_IF(f.pool == NULL);
	EXPECT_STREQ(flow_pool_name(&f), "pool.example");
	EXPECT_STREQ(flow_pool_via(&f), "dns");
	EXPECT_STREQ(f.pool->coin, "xmr");
	flow_set_pool(&f, "", "sni", NULL);
	EXPECT_STREQ(flow_pool_name(&f), "");
	EXPECT_STREQ(flow_pool_via(&f), "sni");
	EXPECT_STREQ(f.pool->coin, "");
	/* 11 bytes fit whole; 12 and more are cut at 11 */
	flow_set_pool(&f, "a", "ip-list", "12345678901");
	EXPECT_STREQ(f.pool->coin, "12345678901");
	flow_set_pool(&f, "a", "ip-list", "123456789012");
	EXPECT_STREQ(f.pool->coin, "12345678901");
	flow_set_pool(&f, "a", "ip-list", "a-very-long-coin-name");
	EXPECT_STREQ(f.pool->coin, "a-very-long");
	flow_set_pool(&f, "a", "ip-list", "");
	EXPECT_STREQ(f.pool->coin, "");
	free(f.pool);
}

int main(void)
{
	test_set_pool();
	return sw_test_done("test_flow");
}
