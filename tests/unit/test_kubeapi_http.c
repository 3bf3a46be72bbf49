/* test_kubeapi_http.c: the watcher's HTTP framing and line splitting
 * (src/kubeapi-http.c), fed every split of each input so no state depends
 * on how the bytes arrived. */
#include "sw_test.h"
#include "kubeapi-http.h"

struct rec {
	int status, done;
	char body[4096];
	size_t blen;
	char lines[8][256];
	int nlines, overflows;
	struct kube_lines l;
};

static int line_cb(void *arg, char *line, size_t len)
{
	struct rec *r = arg;

	if (r->nlines < 8 && len < 256) {
		memcpy(r->lines[r->nlines], line, len);
		r->lines[r->nlines][len] = '\0';
	}
	r->nlines++;
	return 0;
}

static int overflow_cb(void *arg)
{
	((struct rec *)arg)->overflows++;
	return 0;
}

static int on_status(void *arg, int status)
{
	((struct rec *)arg)->status = status;
	return 0;
}

static int on_body(void *arg, const char *p, size_t n)
{
	struct rec *r = arg;
	struct kube_lines_cb lcb = { line_cb, overflow_cb, r };

	if (r->blen + n <= sizeof(r->body)) {
		memcpy(r->body + r->blen, p, n);
		r->blen += n;
	}
	return kube_lines_feed(&r->l, p, n, &lcb);
}

static int on_done(void *arg)
{
	((struct rec *)arg)->done++;
	return 0;
}

/* Feed s in two pieces split at cut; then EOF if eof. Returns the last
 * kube_http_eof / feed result. */
static int run(struct rec *r, const char *s, size_t cut, int eof, size_t maxline)
{
	struct kube_http_cb cb = { on_status, on_body, on_done, r };
	struct kube_http h;
	size_t n = strlen(s);
	int rc;

	memset(r, 0, sizeof(*r));
	kube_lines_init(&r->l, maxline);
	kube_http_reset(&h, &cb);
	rc = kube_http_feed(&h, s, cut);
	if (rc == 0)
		rc = kube_http_feed(&h, s + cut, n - cut);
	if (rc == 0 && eof)
		rc = kube_http_eof(&h);
	kube_lines_free(&r->l);
	return rc;
}

static const char chunked[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    "17\r\n{\"type\":\"ADDED\",\"n\":1}\n\r\n"
    "6;ext=1\r\n{\"type\r\n"
    "14\r\n\":\"BOOKMARK\",\"n\":2}\n\r\n"
    "0\r\nX-Trailer: 1\r\n\r\n";

static void test_chunked_every_split(void)
{
	struct rec r;
	size_t cut, n = strlen(chunked);

	for (cut = 0; cut <= n; cut++) {
		FAIL_IF(run(&r, chunked, cut, 1, 1024) != 0);
		EXPECT_EQ_U64(r.status, 200);
		EXPECT_EQ_U64(r.done, 1);
		EXPECT_EQ_U64(r.nlines, 2);
		EXPECT_STREQ(r.lines[0], "{\"type\":\"ADDED\",\"n\":1}");
		EXPECT_STREQ(r.lines[1], "{\"type\":\"BOOKMARK\",\"n\":2}");
	}
}

static void test_cut_stream(void)
{
	struct rec r;
	/* the stream stops inside the second event's chunk */
	size_t n = strlen(chunked) - 30;
	char s[sizeof(chunked)];

	memcpy(s, chunked, n);
	s[n] = '\0';
	FAIL_IF(run(&r, s, n / 2, 1, 1024) == 0);
	EXPECT_EQ_U64(r.done, 0);
	EXPECT_EQ_U64(r.nlines, 1);
	/* cut right after a whole chunk, before the terminating one */
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n",
	    10, 1, 1024) == 0);
	EXPECT_EQ_U64(r.nlines, 1);
	EXPECT_EQ_U64(r.done, 0);
}

static void test_length_and_close(void)
{
	static const char len[] = "HTTP/1.1 410 Gone\r\ncontent-length: 5\r\n\r\nhelloEXTRA";
	static const char close_[] = "HTTP/1.0 200 OK\r\n\r\nabc\ndef";
	struct rec r;
	size_t cut;

	for (cut = 0; cut <= strlen(len); cut++) {
		FAIL_IF(run(&r, len, cut, 0, 1024) != 0);
		EXPECT_EQ_U64(r.status, 410);
		EXPECT_EQ_U64(r.done, 1);
		EXPECT_EQ_U64(r.blen, 5);
	}
	FAIL_IF(run(&r, close_, 5, 1, 1024) != 0);
	EXPECT_EQ_U64(r.done, 1);
	EXPECT_EQ_U64(r.blen, 7);
	/* a Content-Length body cut short */
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 3, 1, 1024) == 0);
	EXPECT_EQ_U64(r.done, 0);
}

static void test_bad_input(void)
{
	struct rec r;
	char big[KUBE_HTTP_LINE_MAX + 64];

	FAIL_IF(run(&r, "SSH-2.0-OpenSSH\r\n\r\n", 3, 1, 1024) == 0);
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 3, 1, 1024) == 0);
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 3, 1, 1024) == 0);
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
	    3, 1, 1024) == 0);
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 3, 1, 1024) == 0);
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "fffffffffffffffff\r\n", 3, 1, 1024) == 0);
	FAIL_IF(run(&r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", 3, 1,
	    1024) == 0);
	/* a header line over the cap */
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', sizeof(big) - 21);
	big[sizeof(big) - 1] = '\0';
	FAIL_IF(run(&r, big, 100, 0, 1024) == 0);
	/* 100 Continue, then the real answer */
	FAIL_IF(run(&r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	    7, 0, 1024) != 0);
	EXPECT_EQ_U64(r.status, 200);
	EXPECT_EQ_U64(r.done, 1);
}

static void test_line_cap(void)
{
	static const char s[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "c\r\nshort\n012345\r\n"
	    "9\r\n6789abcd\n\r\n"
	    "6\r\nnext\r\n\r\n"
	    "0\r\n\r\n";
	struct rec r;
	size_t cut;

	/* max 10: "0123456789abcd" (14) is dropped whole, counted once */
	for (cut = 0; cut <= strlen(s); cut++) {
		FAIL_IF(run(&r, s, cut, 1, 10) != 0);
		EXPECT_EQ_U64(r.overflows, 1);
		EXPECT_EQ_U64(r.nlines, 2);
		EXPECT_STREQ(r.lines[0], "short");
		EXPECT_STREQ(r.lines[1], "next");
	}
}

int main(void)
{
	test_chunked_every_split();
	test_cut_stream();
	test_length_and_close();
	test_bad_input();
	test_line_cap();
	return sw_test_done("test_kubeapi_http");
}
