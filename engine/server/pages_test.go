package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine/audit"
)

// TestFormsNeedCSRF: every form of the web pages (each POST route behind a sign-in) is
// refused, before its page handler runs, when a browser session posts it without the
// session's CSRF token or with another one; nothing is recorded and nothing proposed.
func TestFormsNeedCSRF(t *testing.T) {
	ts, _, _ := evidenceServer(t)
	tokens := map[Role]string{RoleOfficer: officerToken, RolePolicy: policyToken, RoleAuditor: auditorToken}
	sessions := map[Role]string{}
	forms := 0
	for _, rt := range ts.routes {
		if !rt.web || rt.method != http.MethodPost || rt.access == public {
			continue
		}
		forms++
		var role Role
		for _, r := range Roles {
			if rt.access.allows(r) {
				role = r
				break
			}
		}
		if sessions[role] == "" {
			sessions[role] = signIn(t, ts, tokens[role])
		}
		target := strings.NewReplacer("{iso3}", "KAZ", "{id}", "kaz-2023-06-torture").Replace(rt.path)
		for _, csrf := range []string{"", "forged"} {
			form := url.Values{"case_ref": {"X"}, "country": {"KAZ"}, "csrf": {csrf}}
			rec := ts.do(t, "POST", target, "", strings.NewReader(form.Encode()), "Cookie", sessions[role])
			if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "the form has expired or did not come from this site") {
				t.Errorf("%s as %s with csrf %q: %d\n%s", rt.pattern(), role, csrf, rec.Code, rec.Body.String())
			}
		}
	}
	if forms != 5 {
		t.Errorf("%d forms behind a sign-in, want 5 (assess, replay, propose, approve, reject)", forms)
	}
	if n, err := ts.store.Count(context.Background(), audit.Filter{}); err != nil || n != 0 {
		t.Errorf("%d records made by refused forms (%v)", n, err)
	}
	if p := ts.workflow.Pending(); len(p) != 0 {
		t.Errorf("proposals kept from refused forms: %v", p)
	}
}
