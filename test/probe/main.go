// Command probe is the end-to-end tests' traffic tool, run in Pods on the real test node.
//
//	probe serve PORT[/tcp|/udp][,PORT...]   answer on every listed port (HTTP 200 on TCP,
//	                                        an echo on UDP) until SIGTERM
//	probe try JSON                          try each {"host","port","protocol"} of a JSON list
//	                                        concurrently and print one JSON result per line
//	probe get URL                           HTTP GET; exit 0 on a 2xx answer
//	probe request METHOD URL                HTTP METHOD (a body other than GET, HEAD and DELETE
//	                                        carries `{}` as JSON); exit 0 on a 2xx answer
//	probe sleep                             wait for SIGTERM (a Pod to exec into)
//
// A connection counts as "open" when the TCP handshake completes (UDP: an answer arrives);
// otherwise "refused" (the NetworkPolicy enforcer rejects) or "timeout" (dropped).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type attempt struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol,omitempty"`
	ID       string `json:"id,omitempty"`
}

type outcome struct {
	ID     string  `json:"id,omitempty"`
	Host   string  `json:"host"`
	Port   int     `json:"port"`
	Result string  `json:"result"`
	Detail string  `json:"detail,omitempty"`
	Millis float64 `json:"ms"`
}

const timeout = 3 * time.Second

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: probe serve PORTS | try JSON | get URL | request METHOD URL | sleep")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2:])
	case "try":
		try(os.Args[2:])
	case "get":
		if len(os.Args) != 3 {
			fmt.Fprintln(os.Stderr, "usage: probe get URL")
			os.Exit(2)
		}
		request(http.MethodGet, os.Args[2])
	case "request":
		if len(os.Args) != 4 {
			fmt.Fprintln(os.Stderr, "usage: probe request METHOD URL")
			os.Exit(2)
		}
		request(strings.ToUpper(os.Args[2]), os.Args[3])
	case "sleep":
		waitForSignal()
	default:
		fmt.Fprintf(os.Stderr, "probe: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
}

func waitForSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	<-ch
}

func serve(args []string) {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: probe serve 8080,3000/tcp,53/udp")
		os.Exit(2)
	}
	host, _ := os.Hostname()
	for _, spec := range strings.Split(args[0], ",") {
		port, proto, _ := strings.Cut(spec, "/")
		if _, err := strconv.Atoi(port); err != nil {
			fmt.Fprintf(os.Stderr, "probe: bad port %q\n", spec)
			os.Exit(2)
		}
		if proto == "udp" {
			conn, err := net.ListenPacket("udp", ":"+port)
			if err != nil {
				fmt.Fprintln(os.Stderr, "probe:", err)
				os.Exit(1)
			}
			go func() {
				buf := make([]byte, 1500)
				for {
					n, addr, err := conn.ReadFrom(buf)
					if err != nil {
						return
					}
					_, _ = conn.WriteTo(buf[:n], addr)
				}
			}()
			continue
		}
		ln, err := net.Listen("tcp", ":"+port)
		if err != nil {
			fmt.Fprintln(os.Stderr, "probe:", err)
			os.Exit(1)
		}
		body := fmt.Sprintf("probe %s port %s\n", host, port)
		go func() {
			_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) }))
		}()
	}
	fmt.Println("probe serving", args[0])
	waitForSignal()
}

func try(args []string) {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, `usage: probe try '[{"host":"10.244.0.5","port":8080}]'`)
		os.Exit(2)
	}
	var list []attempt
	if err := json.Unmarshal([]byte(args[0]), &list); err != nil {
		fmt.Fprintln(os.Stderr, "probe: bad JSON:", err)
		os.Exit(2)
	}
	results := make([]outcome, len(list))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i, a := range list {
		wg.Add(1)
		go func(i int, a attempt) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = dial(a)
		}(i, a)
	}
	wg.Wait()
	enc := json.NewEncoder(os.Stdout)
	for _, r := range results {
		_ = enc.Encode(r)
	}
}

func dial(a attempt) outcome {
	start := time.Now()
	out := outcome{ID: a.ID, Host: a.Host, Port: a.Port}
	addr := net.JoinHostPort(a.Host, strconv.Itoa(a.Port))
	var err error
	if strings.EqualFold(a.Protocol, "UDP") {
		err = dialUDP(addr)
	} else {
		var c net.Conn
		c, err = net.DialTimeout("tcp", addr, timeout)
		if err == nil {
			c.Close()
		}
	}
	out.Millis = float64(time.Since(start).Microseconds()) / 1000
	switch {
	case err == nil:
		out.Result = "open"
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		out.Result, out.Detail = "refused", err.Error()
	default:
		out.Result, out.Detail = "timeout", err.Error()
	}
	return out
}

// dnsQuery asks for kubernetes.default.svc.cluster.local A: a DNS server answers it, the
// probe's own UDP listener echoes it, and both count as an answer.
var dnsQuery = func() []byte {
	q := []byte{0x47, 0x53, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	for _, label := range strings.Split("kubernetes.default.svc.cluster.local", ".") {
		q = append(q, byte(len(label)))
		q = append(q, label...)
	}
	return append(q, 0, 0, 1, 0, 1)
}()

func dialUDP(addr string) error {
	c, err := net.DialTimeout("udp", addr, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write(dnsQuery); err != nil {
		return err
	}
	buf := make([]byte, 64)
	_, err = c.Read(buf)
	return err
}

func request(method, url string) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var body io.Reader
	if method != http.MethodGet && method != http.MethodHead && method != http.MethodDelete {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
	defer res.Body.Close()
	fmt.Println(res.Status)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		os.Exit(1)
	}
}
