// etcd-loadgen: the etcd half of the KV benchmark (cmd/bench/bench_kv.sh).
//
// It is kv_bench (cmd/bench/kv_bench.cpp) on etcd's clientv3: the same flags,
// the same keys and values, the same latency statistics and the same RESULT
// line, so the two can be compared row by row. Modelled on etcd's own
// `benchmark put` (--conns/--clients): each connection is one clientv3.Client
// (one gRPC connection), and the clients (requests in flight) are spread over
// the connections round-robin.
//
// Build offline in GOPATH mode against Debian's golang-etcd-server-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o OUT ./cmd/bench/etcd-loadgen
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

type options struct {
	endpoints  []string
	clients    int
	conns      int
	total      int64
	duration   time.Duration
	valueSize  int
	keySpace   int
	target     string
	waitLeader time.Duration
	timeout    time.Duration
}

// why: keep the defaults equal to kv_bench's (kv_bench.cpp, struct options).
func parseFlags() options {
	var o options
	var endpoints string
	var durationSec, waitLeaderSec, timeoutSec float64
	fs := flag.NewFlagSet("etcd-loadgen", flag.ContinueOnError)
	fs.StringVar(&endpoints, "endpoints", "127.0.0.1:2379", "HOST:PORT[,...] client URLs of the members")
	fs.IntVar(&o.clients, "clients", 1, "requests in flight")
	fs.IntVar(&o.conns, "conns", 1, "gRPC connections; clients are spread over them")
	fs.Int64Var(&o.total, "total", 0, "requests to send (default 10000 unless --duration)")
	fs.Float64Var(&durationSec, "duration", 0, "send for this many seconds instead of --total")
	fs.IntVar(&o.valueSize, "value-size", 128, "value size in bytes")
	fs.IntVar(&o.keySpace, "key-space", 100000, "number of distinct keys")
	fs.StringVar(&o.target, "target", "leader", "leader: send to the leader only; any: spread connections over the endpoints")
	fs.Float64Var(&waitLeaderSec, "wait-leader", 10, "seconds to wait for a leader (--target leader)")
	fs.Float64Var(&timeoutSec, "timeout", 10, "per-request timeout in seconds")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	usage := func(msg string) {
		fmt.Fprintf(os.Stderr, "etcd-loadgen: %s\n", msg)
		os.Exit(2)
	}
	if fs.NArg() != 0 {
		usage("unexpected argument " + fs.Arg(0))
	}
	for _, e := range strings.Split(endpoints, ",") {
		if e = strings.TrimSpace(e); e != "" {
			o.endpoints = append(o.endpoints, e)
		}
	}
	switch {
	case len(o.endpoints) == 0:
		usage("--endpoints is empty")
	case o.clients < 1:
		usage("--clients must be at least 1")
	case o.conns < 1:
		usage("--conns must be at least 1")
	case o.total < 0 || durationSec < 0:
		usage("--total and --duration must not be negative")
	case o.total > 0 && durationSec > 0:
		usage("give --total or --duration, not both")
	case o.valueSize < 0:
		usage("--value-size must not be negative")
	case o.keySpace < 1:
		usage("--key-space must be at least 1")
	case o.target != "leader" && o.target != "any":
		usage("--target must be leader or any")
	case timeoutSec <= 0:
		usage("--timeout must be positive")
	}
	if o.conns > o.clients {
		o.conns = o.clients
	}
	if o.total == 0 && durationSec == 0 {
		o.total = 10000
	}
	o.duration = time.Duration(durationSec * float64(time.Second))
	o.waitLeader = time.Duration(waitLeaderSec * float64(time.Second))
	o.timeout = time.Duration(timeoutSec * float64(time.Second))
	return o
}

func quietLog() *zap.Config {
	c := zap.NewProductionConfig()
	c.Level = zap.NewAtomicLevelAt(zap.ErrorLevel)
	return &c
}

func newClient(endpoint string) (*clientv3.Client, error) {
	return clientv3.New(clientv3.Config{
		Endpoints:   []string{endpoint},
		DialTimeout: 5 * time.Second,
		// why: connect before the clock starts, as kv_bench does.
		DialOptions: []grpc.DialOption{grpc.WithBlock()},
		LogConfig:   quietLog(),
	})
}

// findLeader asks every endpoint for its status until one of them says it is
// the leader, or `wait` runs out.
func findLeader(endpoints []string, wait time.Duration) (string, error) {
	deadline := time.Now().Add(wait)
	lastErr := errors.New("no member reported a leader")
	for {
		for _, ep := range endpoints {
			c, err := newClient(ep)
			if err != nil {
				lastErr = fmt.Errorf("%s: %v", ep, err)
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			st, err := c.Status(ctx, ep)
			cancel()
			c.Close()
			if err != nil {
				lastErr = fmt.Errorf("%s: %v", ep, err)
				continue
			}
			if st.Leader != 0 && st.Header != nil && st.Header.MemberId == st.Leader {
				return ep, nil
			}
		}
		if time.Now().After(deadline) {
			return "", lastErr
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// errorKind names an error the way kv_bench does: the gRPC code, then
// etcd's message (e.g. "Unavailable: etcdserver: leader changed").
func errorKind(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	if s, ok := status.FromError(err); ok {
		return s.Code().String() + ": " + s.Message()
	}
	msg := err.Error()
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return msg
}

// key returns the i-th key of the key space: 8 hex digits, as kv_bench.
func key(i int) string { return fmt.Sprintf("%08x", i) }

// cpuSeconds returns the CPU time (user + system) used by this process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

type clientStats struct {
	latUs  []float64
	errors map[string]int64
}

func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	// Nearest rank, as kv_bench.
	r := int(math.Ceil(q * float64(len(sorted))))
	if r < 1 {
		r = 1
	}
	if r > len(sorted) {
		r = len(sorted)
	}
	return sorted[r-1]
}

func main() {
	o := parseFlags()

	var eps []string
	if o.target == "leader" {
		ep, err := findLeader(o.endpoints, o.waitLeader)
		if err != nil {
			fmt.Fprintf(os.Stderr, "etcd-loadgen: no leader among %s after %v: %v\n",
				strings.Join(o.endpoints, ","), o.waitLeader, err)
			os.Exit(1)
		}
		eps = []string{ep}
	} else {
		eps = o.endpoints
	}

	conns := make([]*clientv3.Client, o.conns)
	for i := range conns {
		ep := eps[i%len(eps)]
		c, err := newClient(ep)
		if err != nil {
			fmt.Fprintf(os.Stderr, "etcd-loadgen: cannot connect to %s: %v\n", ep, err)
			os.Exit(1)
		}
		defer c.Close()
		conns[i] = c
	}

	value := strings.Repeat("v", o.valueSize)
	fmt.Printf("etcd-loadgen: target %s (%s), %d conns, %d clients, %d-byte values, %d keys, ",
		strings.Join(eps, ","), o.target, o.conns, o.clients, o.valueSize, o.keySpace)
	if o.duration > 0 {
		fmt.Printf("%.1f s\n", o.duration.Seconds())
	} else {
		fmt.Printf("%d requests\n", o.total)
	}

	var issued int64
	cpu0 := cpuSeconds()
	start := time.Now()
	deadline := start.Add(o.duration)
	take := func() bool {
		if o.duration > 0 {
			return time.Now().Before(deadline)
		}
		return atomic.AddInt64(&issued, 1) <= o.total
	}

	stats := make([]clientStats, o.clients)
	var wg sync.WaitGroup
	for i := 0; i < o.clients; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			c := conns[id%len(conns)]
			rng := rand.New(rand.NewSource(int64(id) + 1))
			st := &stats[id]
			st.errors = map[string]int64{}
			for take() {
				k := key(rng.Intn(o.keySpace))
				t0 := time.Now()
				ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
				_, err := c.Put(ctx, k, value)
				cancel()
				if err != nil {
					st.errors[errorKind(err)]++
					continue
				}
				st.latUs = append(st.latUs, float64(time.Since(t0).Nanoseconds())/1e3)
			}
		}(i)
	}
	wg.Wait()
	seconds := time.Since(start).Seconds()
	cpu := cpuSeconds() - cpu0

	var lat []float64
	errs := map[string]int64{}
	var nerr int64
	for _, st := range stats {
		lat = append(lat, st.latUs...)
		for k, n := range st.errors {
			errs[k] += n
			nerr += n
		}
	}
	sort.Float64s(lat)
	ms := func(q float64) float64 { return percentile(lat, q) / 1e3 }
	maxMs := 0.0
	if len(lat) > 0 {
		maxMs = lat[len(lat)-1] / 1e3
	}
	ok := int64(len(lat))
	rps := float64(ok) / seconds

	fmt.Printf("requests   %d ok, %d errors in %.3f s\n", ok, nerr, seconds)
	fmt.Printf("throughput %.1f req/s\n", rps)
	fmt.Printf("latency ms p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
		ms(0.50), ms(0.90), ms(0.99), ms(0.999), maxMs)
	if nerr == 0 {
		fmt.Printf("errors     none\n")
	} else {
		kinds := make([]string, 0, len(errs))
		for k := range errs {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Printf("errors     %d  %s\n", errs[k], k)
		}
	}
	fmt.Printf("client cpu %.2f s (%.0f%% of one core)\n", cpu, 100*cpu/seconds)
	fmt.Printf("RESULT clients=%d conns=%d total=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d p90_ms=%.3f p999_ms=%.3f max_ms=%.3f client_cpu_s=%.2f\n",
		o.clients, o.conns, ok+nerr, seconds, rps, ms(0.50), ms(0.99), nerr,
		ms(0.90), ms(0.999), maxMs, cpu)
	if ok == 0 {
		os.Exit(1)
	}
}
