package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childEnv makes the test binary run exportrisk's main instead of the tests (TestMain), so
// that a test can signal a real exportrisk process without signalling itself.
const childEnv = "EXPORTRISK_TEST_RUN_MAIN"

// childDeadline bounds every wait for a child process: its start (loading the policies
// and the world on a loaded machine), a line of its output, its exit.
const childDeadline = 2 * time.Minute

// httpClient is the tests' HTTP client: no request waits forever.
var httpClient = &http.Client{Timeout: childDeadline}

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Args[0] = "exportrisk"
		main()
	}
	os.Exit(m.Run())
}

// child is exportrisk running as a child process of the test.
type child struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	code   int

	mu             sync.Mutex
	out, errOut    strings.Builder
	outLn, errLine chan string // every line of stdout and stderr
}

// startServe starts exportrisk serve on a free loopback port as a child process, with env
// added to the test's environment. The child is killed when the test ends.
func startServe(t *testing.T, env map[string]string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, exited: make(chan struct{}), outLn: make(chan string, 1000), errLine: make(chan string, 10000)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var reading sync.WaitGroup
	reading.Add(2)
	go c.read(&reading, stdout, &c.out, c.outLn)
	go c.read(&reading, stderr, &c.errOut, c.errLine)
	go func() {
		reading.Wait() // Wait closes the pipes: read them to the end first
		err := cmd.Wait()
		c.code = cmd.ProcessState.ExitCode()
		if err != nil && c.code < 0 {
			t.Logf("exportrisk serve: %v", err)
		}
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = cmd.Process.Kill()
			<-c.exited
		}
	})
	return c
}

func (c *child) read(done *sync.WaitGroup, r io.Reader, all *strings.Builder, lines chan<- string) {
	defer done.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		c.mu.Lock()
		all.WriteString(sc.Text() + "\n")
		c.mu.Unlock()
		select {
		case lines <- sc.Text():
		default: // nobody waits for lines that many
		}
	}
}

var servingOn = regexp.MustCompile(`serving on (http://127\.0\.0\.1:\d+/)$`)

// url waits for serve to listen and returns its URL; then it waits for the rest of the
// start-up lines (up to the one on how to stop it).
func (c *child) url(t *testing.T) string {
	t.Helper()
	var url string
	for {
		line := c.line(t, c.outLn, "stdout")
		if m := servingOn.FindStringSubmatch(line); m != nil {
			url = m[1]
		}
		if strings.Contains(line, "stop with Ctrl-C or SIGTERM") {
			if url == "" {
				t.Fatalf("serve names no URL:\n%s", c.stdout())
			}
			return url
		}
	}
}

// stderrLine returns the next line of stderr that contains s.
func (c *child) stderrLine(t *testing.T, s string) string {
	t.Helper()
	for {
		if line := c.line(t, c.errLine, "stderr"); strings.Contains(line, s) {
			return line
		}
	}
}

func (c *child) line(t *testing.T, lines <-chan string, name string) string {
	t.Helper()
	select {
	case line := <-lines:
		return line
	case <-c.exited:
		select {
		case line := <-lines:
			return line
		default:
		}
		t.Fatalf("exportrisk serve exited with %d before the line the test waits for on %s\nstdout:\n%s\nstderr:\n%s", c.code, name, c.stdout(), c.stderr())
	case <-time.After(childDeadline):
		t.Fatalf("exportrisk serve wrote no line on %s for %s\nstdout:\n%s\nstderr:\n%s", name, childDeadline, c.stdout(), c.stderr())
	}
	return ""
}

func (c *child) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the child to exit and returns its exit code.
func (c *child) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-c.exited:
		return c.code
	case <-time.After(childDeadline):
		t.Fatalf("exportrisk serve did not exit within %s\nstdout:\n%s\nstderr:\n%s", childDeadline, c.stdout(), c.stderr())
	}
	return 0
}

func (c *child) stdout() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

func (c *child) stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errOut.String()
}
