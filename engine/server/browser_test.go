package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// chromiumPath is Debian's chromium package (installed by .ci/run).
const chromiumPath = "/usr/bin/chromium"

// browser starts headless Chromium with the flags that work on the build machines (no
// sandbox as root, no GPU, no background connections to Google's hosts) and a fresh
// profile. Without Chromium the test is skipped, except under CI=true.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if inCI() {
			t.Fatalf("%s is missing: CI must install Debian's chromium package (.ci/run does)", chromiumPath)
		}
		t.Skipf("%s is missing: install it with apt-get install chromium to run the browser test", chromiumPath)
	}
	profile, err := os.MkdirTemp("", "exportrisk-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Chromium's helper processes may still write in the profile for a moment
		// after the browser is gone; try again before giving up.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	// A bound for a hung browser, not a timing assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	return bctx
}

// clickAndLoad clicks and waits for the page the click loads.
func clickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

// screenshotOf saves a picture of the element sel.
func screenshotOf(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", sel, err)
	}
	file := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

// verdictsJS reads the verdict table of a country or decision page.
const verdictsJS = `Object.fromEntries([...document.querySelectorAll("#verdicts tr[data-criterion]")].map(r => [r.dataset.criterion, r.dataset.verdict]))`

// TestBrowser drives the running server in headless Chromium as a licensing officer and
// then an auditor would: sign in, the world overview, find Kazakhstan, read its eight
// verdicts, assess and record it, switch to German, sign in as auditor, replay the
// decision and see MATCH. Screenshots go to the test's artifact directory (go test
// -artifacts keeps them under -outputdir).
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	ts := newTestServer(t, historyLibrary(t, true), nil) // every shipped bundle and a made-up 2022 Kazakhstan
	base := ts.start(t)

	// Signing in: the overview asks for a token first.
	run(t, ctx, chromedp.Navigate(base+"/"))
	if got := text(t, ctx, "h1"); got != "Sign in" {
		t.Fatalf("without a session the overview shows %q, want the sign-in form", got)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.ID("token"), officerToken))
	clickAndLoad(t, ctx, "#sign-in")
	if got := text(t, ctx, "h1"); got != "World overview" {
		t.Fatalf("after signing in: %q", got)
	}
	if got := text(t, ctx, "#counts"); !strings.Contains(got, "197 countries") {
		t.Errorf("counts: %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("table.grid tbody tr").length`); n != 197 {
		t.Errorf("%d rows in the grid, want 197", n)
	}
	// The world map: every country a link; small states are dots.
	if n := eval[int](t, ctx, `document.querySelectorAll("svg.worldmap a").length`); n != 197 {
		t.Errorf("%d countries on the map are links, want 197", n)
	}
	screenshot(t, ctx, "overview.png")

	// Another year, coloured by criterion 4; a click on Kazakhstan opens its report of that
	// year with its history.
	// Choosing a year submits the form (app.js); the map choice goes with it.
	eval[string](t, ctx, `document.getElementById("map").value = "4"`)
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.SetValue(chromedp.ID("year"), "2022"))); err != nil {
		t.Fatalf("choose the year 2022: %v", err)
	}
	if got := eval[string](t, ctx, `document.querySelector("#worldmap-title").textContent`); !strings.HasPrefix(got, "Criterion 4: ") || !strings.HasSuffix(got, ", 2022") {
		t.Errorf("map title %q, want criterion 4 in 2022", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('svg.worldmap [data-iso3="KAZ"]').dataset.class`); got != "critical" {
		t.Errorf("Kazakhstan on the 2022 map of criterion 4: %q, want critical", got)
	}
	screenshotOf(t, ctx, "#worldmap", "map-2022-criterion-4.png")
	// A real mouse click on the middle of Kazakhstan's shape.
	run(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(`svg.worldmap path[data-iso3="KAZ"]`)))
	xy := eval[[]float64](t, ctx, `(() => { const r = document.querySelector('svg.worldmap path[data-iso3="KAZ"]').getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2]; })()`)
	if got := eval[string](t, ctx, fmt.Sprintf(`document.elementFromPoint(%f, %f).closest("a").getAttribute("href")`, xy[0], xy[1])); got != "/countries/KAZ?year=2022" {
		t.Fatalf("the middle of Kazakhstan on the map is a link to %q", got)
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	_, err := chromedp.Run(cctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.MouseClickXY(xy[0], xy[1])))
	cancel()
	if err != nil {
		t.Fatalf("click on Kazakhstan on the map: %v", err)
	}
	if got := text(t, ctx, "h1"); got != "Kazakhstan (KAZ)" {
		t.Fatalf("the click on the map opened %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#year').value`); got != "2022" {
		t.Errorf("the country page shows the year %q, want 2022", got)
	}
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll('#timeline [data-changed="true"] title')].map(e => e.textContent)`); len(got) != 1 || !strings.HasPrefix(got[0], "Criterion 4: ") || !strings.Contains(got[0], "2023: possibly critical") {
		t.Errorf("changes marked in the timeline: %q", got)
	}
	if got := text(t, ctx, "#history-changes"); !strings.Contains(got, "2022 → 2023, Criterion 4:") {
		t.Errorf("the history lists %q", got)
	}
	screenshotOf(t, ctx, "section.history", "kazakhstan-2022-history.png")
	run(t, ctx, chromedp.Navigate(base+"/"))

	// Find Kazakhstan with the filter, then open it.
	run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "kazakh"))
	clickAndLoad(t, ctx, `form[role=search] button[type=submit]`)
	if n := eval[int](t, ctx, `document.querySelectorAll("table.grid tbody tr").length`); n != 1 {
		t.Fatalf("the filter kazakh leaves %d rows, want 1", n)
	}
	clickAndLoad(t, ctx, `table.grid a[href="/countries/KAZ"]`)
	if got := text(t, ctx, "h1"); got != "Kazakhstan (KAZ)" {
		t.Fatalf("country page heading %q", got)
	}
	want := map[string]string{"1": "not_critical", "2": "critical", "3": "possibly_critical", "4": "possibly_critical",
		"5": "not_critical", "6": "not_critical", "7": "possibly_critical", "8": "not_critical"}
	if diff := cmp.Diff(want, eval[map[string]string](t, ctx, verdictsJS)); diff != "" {
		t.Errorf("Kazakhstan's verdicts differ from BICC's (-want +got):\n%s", diff)
	}
	// The verdict is in words, not only colour; criterion 2's reasons name their sources.
	if got := text(t, ctx, `#verdicts tr[data-criterion="2"] td`); !strings.Contains(got, "critical") || !strings.Contains(got, "✖") {
		t.Errorf("criterion 2 reads %q", got)
	}
	if got := text(t, ctx, "#c2"); !strings.Contains(got, "Freedom House") || !strings.Contains(got, "Source") {
		t.Errorf("criterion 2 names no source:\n%s", got)
	}
	screenshot(t, ctx, "kazakhstan.png")

	// Assess and record: the decision page, recorded under the officer's name.
	run(t, ctx, chromedp.SendKeys(chromedp.ID("case_ref"), "AG-4711"))
	clickAndLoad(t, ctx, "#assess-record")
	decisionURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(decisionURL, "/decisions/") {
		t.Fatalf("after assess and record: %s", decisionURL)
	}
	if got := text(t, ctx, "table.record"); !strings.Contains(got, "olivia") || !strings.Contains(got, "AG-4711") {
		t.Errorf("the record does not name the requester and case:\n%s", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#replay").length`); n != 0 {
		t.Error("an officer is offered the replay button")
	}

	// German, remembered across pages and sign-ins.
	clickAndLoad(t, ctx, `nav.lang a[hreflang="de"]`)
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "de" {
		t.Errorf("lang attribute %q after switching to German", lang)
	}
	if got := text(t, ctx, `#verdicts tr[data-criterion="2"] td`); !strings.Contains(got, "kritisch") {
		t.Errorf("criterion 2 in German reads %q", got)
	}
	clickAndLoad(t, ctx, `form[action="/logout"] button`)
	run(t, ctx, chromedp.Navigate(decisionURL))
	if got := text(t, ctx, "h1"); got != "Anmelden" {
		t.Fatalf("signed out, the decision page shows %q, want the German sign-in form", got)
	}
	run(t, ctx, chromedp.SendKeys(chromedp.ID("token"), auditorToken))
	clickAndLoad(t, ctx, "#sign-in")

	// Replay as auditor.
	clickAndLoad(t, ctx, "#replay")
	outcome := text(t, ctx, "#replay-outcome")
	if !strings.Contains(outcome, "MATCH") || !strings.Contains(outcome, "Byte für Byte identisch") {
		t.Errorf("replay outcome: %q", outcome)
	}
	if diff := cmp.Diff(want, eval[map[string]string](t, ctx, verdictsJS)); diff != "" {
		t.Errorf("the decision's verdicts (-want +got):\n%s", diff)
	}
	screenshot(t, ctx, "decision-replay-de.png")
	decisionPDF, err := chromedp.Run(ctx, chromedp.PrintToPDF())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "entscheidung.pdf"), decisionPDF, 0o644); err != nil {
		t.Fatal(err)
	}

	// The print version of the country page is the report alone.
	run(t, ctx, chromedp.Navigate(base+"/countries/KAZ"))
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "kasachstan.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(pdf) < 10000 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Errorf("the printed country page is %d bytes", len(pdf))
	}
}
