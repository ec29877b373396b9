// Package policy is the home of the Rego policies the engine evaluates: a loaded policy
// Set (modules, data, and the revision that identifies them) and the one way every command,
// the server's reload and the policy tools load the policies a user names — Load: the
// embedded policies, a policy directory, or a policy bundle whose signature is verified;
// whichever it is, the policy data file must validate (engine/policy/calibration), so that
// the engine never runs on thresholds it would refuse. New loads files exactly as they are,
// for the audit log's archived revisions, which replay as recorded. ReadFiles is the one
// reading of policy files with OPA's loader, for New and for the policy tools (check.Load).
//
// Beneath it: policyfile (which files are policy files, and the revision digest), bundle
// (build, sign, read and verify OPA bundles), calibration (the schema and checks of the
// policy data file), check (what policy staff run before shipping: tests, strict
// compilation, formatting, the result contract) and impact (which verdicts a policy change
// flips).
package policy
