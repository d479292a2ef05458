// Command workflow is a consultant's practice run through a client that oapi-codegen generated
// from the served /openapi.json: flow, create, patch, result, reevaluate, revisions, compare,
// export and delete. TestGeneratedClient builds it, with the generated package beside it, and
// runs it against a live server; it prints one line per step and exits 1 at the first step
// that does not go as the API promises.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"

	"github.com/ciamadvisor/advisor/internal/apiclienttest/gen/client"
)

func main() {
	base := flag.String("url", "", "the server's address")
	token := flag.String("token", "", "a consultant's API key")
	flag.Parse()
	if err := run(*base, *token); err != nil {
		fmt.Fprintln(os.Stderr, "workflow:", err)
		os.Exit(1)
	}
}

// The answers of the tiny-startup scenario: the first call gives who the users are, the
// rest follow once the flow says what is missing.
const (
	first = `{"identity_shape": "b2c", "channels": ["mobile"]}`
	rest  = `{"identity_is_product": false, "identity_team": "none", "current_platform": "none",
		"mau_now": 2000, "mau_growth_pct": 100, "budget_annual_usd": 1000,
		"must_haves": ["social_login", "magic_links", "sms_otp", "custom_domains"], "go_live_weeks": 6}`
	other = `{"identity_shape": "b2b", "channels": ["web"], "identity_is_product": false,
		"identity_team": "dedicated", "current_platform": "none", "enterprise_sso": "now", "mau_now": 50000, "mau_growth_pct": 20,
		"must_haves": ["enterprise_sso"], "go_live_weeks": 12}`
)

func answers(src string) client.AnswersInput {
	var a client.AnswersInput
	if err := json.Unmarshal([]byte(src), &a); err != nil {
		panic(err)
	}
	return a
}

func run(base, token string) error {
	ctx := context.Background()
	bearer := client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	})
	c, err := client.NewClientWithResponses(base, bearer)
	if err != nil {
		return err
	}

	// Flow: which questions to ask next, without evaluating any expression here.
	flow, err := c.QuestionnaireFlowWithResponse(ctx, client.EvaluateRequest{Answers: answers(first)})
	if err := want(flow, err, http.StatusOK, flow != nil && flow.JSON200 != nil); err != nil {
		return fmt.Errorf("flow: %w", err)
	}
	if flow.JSON200.Complete || len(flow.JSON200.MissingRequired) == 0 || flow.JSON200.NextStep == nil {
		return fmt.Errorf("flow: partial answers: complete %t, missing %v, next step %v",
			flow.JSON200.Complete, flow.JSON200.MissingRequired, flow.JSON200.NextStep)
	}
	fmt.Printf("flow: next step %s, missing %v\n", *flow.JSON200.NextStep, flow.JSON200.MissingRequired)

	// Create, with an idempotency key: the retry gets the same assessment back.
	label := "Acme Ltd (client)"
	key := "workflow-create-1"
	body := client.AssessmentCreate{Label: &label, Answers: ptr(answers(first))}
	created, err := c.CreateAssessmentWithResponse(ctx, &client.CreateAssessmentParams{IdempotencyKey: &key}, body)
	if err := want(created, err, http.StatusCreated, created != nil && created.JSON201 != nil && created.Headers201 != nil); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	a := created.JSON201
	if a.Complete || a.Result != nil || a.Label != label {
		return fmt.Errorf("create: complete %t, result %v, label %q", a.Complete, a.Result != nil, a.Label)
	}
	again, err := c.CreateAssessmentWithResponse(ctx, &client.CreateAssessmentParams{IdempotencyKey: &key}, body)
	if err := want(again, err, http.StatusCreated, again != nil && again.JSON201 != nil); err != nil {
		return fmt.Errorf("create again: %w", err)
	}
	if again.JSON201.Id != a.Id || again.Headers201.IdempotentReplayed == nil {
		return fmt.Errorf("create again: got %s (replayed %v), want %s replayed", again.JSON201.Id, again.Headers201.IdempotentReplayed, a.Id)
	}
	fmt.Printf("create: %s, %s\n", a.Id, created.Headers201.ETag)

	// Patch the rest, on the version just read.
	etag := created.Headers201.ETag
	patched, err := c.PatchAssessmentWithResponse(ctx, a.Id, &client.PatchAssessmentParams{IfMatch: &etag},
		client.AssessmentPatch{Answers: ptr(answers(rest))})
	if err := want(patched, err, http.StatusOK, patched != nil && patched.JSON200 != nil && patched.Headers200 != nil); err != nil {
		return fmt.Errorf("patch: %w", err)
	}
	if !patched.JSON200.Complete || patched.JSON200.Result == nil {
		return fmt.Errorf("patch: complete %t, problems %v", patched.JSON200.Complete, patched.JSON200.Problems)
	}
	stale, err := c.PatchAssessmentWithResponse(ctx, a.Id, &client.PatchAssessmentParams{IfMatch: &etag},
		client.AssessmentPatch{Label: &label})
	if err := want(stale, err, http.StatusPreconditionFailed, stale != nil && stale.ApplicationproblemJSON412 != nil); err != nil {
		return fmt.Errorf("patch with a stale If-Match: %w", err)
	}
	etag = patched.Headers200.ETag
	fmt.Printf("patch: complete, %s\n", etag)

	// The stored result.
	result, err := c.GetAssessmentResultWithResponse(ctx, a.Id, nil)
	if err := want(result, err, http.StatusOK, result != nil && result.JSON200 != nil); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	r := result.JSON200
	if r.Leader == nil || r.Stale {
		return fmt.Errorf("result: leader %v, stale %t", r.Leader, r.Stale)
	}
	fmt.Printf("result: revision %d, %s on %s, leader %s\n", r.Revision, r.Architecture.Id, r.Approach.Id, r.Leader.Name)
	format := client.GetAssessmentResultParamsFormatMarkdown
	md, err := c.GetAssessmentResultWithResponse(ctx, a.Id, &client.GetAssessmentResultParams{Format: &format})
	if err := want(md, err, http.StatusOK, md != nil && bytes.Contains(md.Body, []byte(label))); err != nil {
		return fmt.Errorf("result as Markdown: %w", err)
	}

	// Reevaluate: the content has not changed, so neither has the result.
	re, err := c.ReevaluateAssessmentWithResponse(ctx, a.Id, &client.ReevaluateAssessmentParams{IfMatch: &etag})
	if err := want(re, err, http.StatusCreated, re != nil && re.JSON201 != nil); err != nil {
		return fmt.Errorf("reevaluate: %w", err)
	}
	if re.JSON201.Changed || re.JSON201.Revision != re.JSON201.PreviousRevision+1 {
		return fmt.Errorf("reevaluate: changed %t, revision %d after %d", re.JSON201.Changed, re.JSON201.Revision, re.JSON201.PreviousRevision)
	}
	fmt.Printf("reevaluate: revision %d, changed %t\n", re.JSON201.Revision, re.JSON201.Changed)

	// Revisions: create, patch, reevaluate.
	revs, err := c.ListRevisionsWithResponse(ctx, a.Id)
	if err := want(revs, err, http.StatusOK, revs != nil && revs.JSON200 != nil); err != nil {
		return fmt.Errorf("revisions: %w", err)
	}
	if n := len(revs.JSON200.Items); n != 3 {
		return fmt.Errorf("revisions: got %d, want 3", n)
	}
	for _, rev := range revs.JSON200.Items {
		fmt.Printf("revision %d: %s\n", rev.Revision, rev.Cause)
	}
	one, err := c.GetRevisionWithResponse(ctx, a.Id, 2)
	if err := want(one, err, http.StatusOK, one != nil && one.JSON200 != nil && one.JSON200.Result != nil); err != nil {
		return fmt.Errorf("revision 2: %w", err)
	}

	// A second client, and the two side by side.
	b, err := c.CreateAssessmentWithResponse(ctx, nil, client.AssessmentCreate{Answers: ptr(answers(other))})
	if err := want(b, err, http.StatusCreated, b != nil && b.JSON201 != nil); err != nil {
		return fmt.Errorf("create another: %w", err)
	}
	cmp, err := c.CompareAssessmentsWithResponse(ctx, &client.CompareAssessmentsParams{A: a.Id, B: b.JSON201.Id})
	if err := want(cmp, err, http.StatusOK, cmp != nil && cmp.JSON200 != nil); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if len(cmp.JSON200.Answers) == 0 {
		return fmt.Errorf("compare: no answer differences")
	}
	for _, d := range cmp.JSON200.Answers {
		fmt.Printf("compare: %s: %s / %s\n", d.Question, value(d.A), value(d.B))
	}

	// Export: one line per assessment.
	ndjson := client.ExportAssessmentsParamsFormatNdjson
	exp, err := c.ExportAssessmentsWithResponse(ctx, &client.ExportAssessmentsParams{Format: &ndjson})
	if err := want(exp, err, http.StatusOK, exp != nil); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var lines int
	for sc := bufio.NewScanner(bytes.NewReader(exp.Body)); sc.Scan(); lines++ {
		var row client.Assessment
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return fmt.Errorf("export: line %d: %w", lines+1, err)
		}
	}
	if lines != 2 {
		return fmt.Errorf("export: got %d lines, want 2", lines)
	}
	fmt.Printf("export: %d assessments\n", lines)

	// Delete both; the first is gone.
	etag = re.Headers201.ETag
	del, err := c.DeleteAssessmentWithResponse(ctx, a.Id, &client.DeleteAssessmentParams{IfMatch: &etag})
	if err := want(del, err, http.StatusNoContent, true); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	del, err = c.DeleteAssessmentWithResponse(ctx, b.JSON201.Id, nil)
	if err := want(del, err, http.StatusNoContent, true); err != nil {
		return fmt.Errorf("delete another: %w", err)
	}
	gone, err := c.GetAssessmentWithResponse(ctx, a.Id)
	if err := want(gone, err, http.StatusNotFound, gone != nil && gone.ApplicationproblemJSON404 != nil); err != nil {
		return fmt.Errorf("get after delete: %w", err)
	}
	fmt.Println("delete: both gone")
	return nil
}

// response is what every generated response type has.
type response interface{ StatusCode() int }

// want checks a call: no transport or decoding error, the status, and that the typed body the
// status promises was decoded.
func want[R response](res R, err error, status int, decoded bool) error {
	if err != nil {
		return err
	}
	if got := res.StatusCode(); got != status {
		return fmt.Errorf("status %d, want %d", got, status)
	}
	if !decoded {
		return fmt.Errorf("status %d but no typed body or headers", status)
	}
	return nil
}

// value shows an answer from the union type the generator made of AnswerValue.
func value(v *client.AnswerValue) string {
	if v == nil {
		return "unanswered"
	}
	if s, err := v.AsAnswerValue0(); err == nil {
		return s
	}
	if n, err := v.AsAnswerValue1(); err == nil {
		return fmt.Sprint(n)
	}
	if b, err := v.AsAnswerValue2(); err == nil {
		return fmt.Sprint(b)
	}
	if l, err := v.AsAnswerValue3(); err == nil {
		return fmt.Sprint(l)
	}
	return "?"
}

func ptr[T any](v T) *T { return &v }
