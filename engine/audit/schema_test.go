package audit

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSchemaAsReleased: both stores' migrations, rendered from the one schema, are the
// statements stores were created with (testdata/migrations-*.sql, whitespace aside), step
// by step. A released step must never change; a new one is added there too.
func TestSchemaAsReleased(t *testing.T) {
	for name, ms := range map[string][]migration{"sqlite": sqliteMigrations, "postgres": postgresMigrations} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/migrations-" + name + ".sql")
			if err != nil {
				t.Fatal(err)
			}
			var want [][]string
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if strings.HasPrefix(line, "-- migration ") {
					want = append(want, nil)
					continue
				}
				want[len(want)-1] = append(want[len(want)-1], strings.TrimSuffix(line, ";"))
			}
			var got [][]string
			for _, m := range ms {
				var step []string
				for _, s := range m.statements {
					step = append(step, strings.Join(strings.Fields(s), " "))
				}
				got = append(got, step)
			}
			// Within a step the order may differ (each statement only needs what came before).
			for _, steps := range [][][]string{want, got} {
				for _, s := range steps {
					slices.Sort(s)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("migrations differ from the released ones (-released +rendered):\n%s", diff)
			}
		})
	}
	if got, want := len(sqliteMigrations), len(schema); got != want || len(postgresMigrations) != want {
		t.Errorf("%d SQLite and %d PostgreSQL migrations, want %d", got, len(postgresMigrations), want)
	}
}
