/* fuzz_kubeapi.c: what the --kube-api watcher reads from the network and
 * the command line, on arbitrary bytes: the input is an HTTP response
 * (status, headers, chunked / Content-Length / close-delimited body) fed
 * in pieces whose size the first byte chooses, the body split into lines
 * with a cap the second byte chooses, then EOF; and the whole input as a
 * --kube-api URL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kubeapi-conf.h"
#include "kubeapi-http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	struct kube_lines lines;
	size_t total;
};

static int on_line(void *arg, char *line, size_t len)
{
	struct sink *s = arg;

	/* touch every byte, so an over-read shows */
	while (len > 0)
		s->total += (unsigned char)line[--len];
	return 0;
}

static int on_body(void *arg, const char *p, size_t n)
{
	struct sink *s = arg;
	struct kube_lines_cb cb = { on_line, NULL, s };

	return kube_lines_feed(&s->lines, p, n, &cb) < 0 ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kube_http_cb cb = { NULL, on_body, NULL, NULL };
	struct kube_endpoint ep;
	struct kube_http h;
	struct sink s;
	size_t step, off = 0, n;
	char err[256], *url;

	if (size < 2)
		return 0;
	step = 1 + data[0];
	memset(&s, 0, sizeof(s));
	kube_lines_init(&s.lines, 1 + (size_t)data[1] * 8);
	cb.arg = &s;
	kube_http_reset(&h, &cb);
	data += 2;
	size -= 2;
	while (off < size) {
		n = size - off < step ? size - off : step;
		if (kube_http_feed(&h, (const char *)data + off, n) != 0)
			break;
		off += n;
	}
	(void)kube_http_eof(&h);
	kube_lines_free(&s.lines);

	if ((url = malloc(size + 1)) != NULL) {
		memcpy(url, data, size);
		url[size] = '\0';
		(void)kube_endpoint_parse(&ep, url, err, sizeof(err));
		free(url);
	}
	return 0;
}
