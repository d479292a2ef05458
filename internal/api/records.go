package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Results as records: the stored result, re-evaluation with its diff, the revisions, the
// comparison of two assessments and the export of a portfolio.

// errIncomplete is the 409 for an assessment whose answers give no result yet.
func errIncomplete(problems []server.FieldError) error {
	return &server.Error{Status: http.StatusConflict, Type: "/problems/assessment-incomplete", Title: "Assessment incomplete",
		Detail: "There is no result until the answers are complete; answer the questions listed and ask again.", Fields: problems}
}

// errStale is the 409 for an explanation of a result computed with other content.
var errStale = &server.Error{Status: http.StatusConflict, Type: "/problems/result-stale", Title: "Result stale",
	Detail: "explain traces the rules loaded now, but this result was computed with other content; POST …/reevaluate first, then ask for the explanation."}

// resultMeta is what GET …/result adds to the stored recommendation.
type resultMeta struct {
	Revision        int              `json:"revision"`
	ComputedAt      time.Time        `json:"computed_at"`
	Stale           bool             `json:"stale"`
	CurrentVersions advisor.Versions `json:"current_versions"`
}

// apiAssessmentResult serves the stored result, never a recomputation: as JSON (the
// Recommendation with its revision, time and staleness) or as a Markdown document, chosen by
// ?format= or else the Accept header. With ?explain=true the JSON carries the rule trace, which
// needs the content the result was computed with to be the content loaded now. An assessment
// without a result yet is a 409 listing what is missing.
func (s *handlers) apiAssessmentResult(c *gin.Context) error {
	if err := onlyQuery(c, "format", "explain"); err != nil {
		return err
	}
	c.Header("Vary", "Accept")
	format, err := resultFormat(c)
	if err != nil {
		return err
	}
	explain, err := boolQuery(c, "explain")
	if err != nil {
		return err
	}
	a, err := s.assessment(c)
	if err != nil {
		return err
	}
	adv := s.content.Current()
	if len(a.Result) == 0 {
		return errIncomplete(s.view(adv, a).Problems)
	}
	c.Header("ETag", server.ETagOf(a))
	meta := resultMeta{Revision: a.Revision, ComputedAt: a.UpdatedAt, CurrentVersions: adv.Versions()}
	meta.Stale = server.VersionsOf(a) != meta.CurrentVersions
	if format == "markdown" {
		rec, err := server.DecodeResult(a.Result)
		if err != nil {
			return err
		}
		md, err := markdownReport(adv, a, rec)
		if err != nil {
			return err
		}
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, reportName(a)))
		writeBytes(c, http.StatusOK, "text/markdown; charset=utf-8", md)
		return nil
	}
	raw := []byte(a.Result)
	if explain {
		if meta.Stale {
			return errStale
		}
		answers, err := server.AnswersOf(a)
		if err != nil {
			return err
		}
		// The same content and answers give the same result; this time with its trace.
		rec, err := s.srv.Evaluate(adv, answers, advisor.Options{Explain: true, Counterfactuals: true})
		if err != nil {
			return err
		}
		if raw, err = json.Marshal(rec); err != nil {
			return server.Unrepresentable(err)
		}
	}
	body, err := withMeta(meta, raw)
	if err != nil {
		return err
	}
	writeRaw(c, http.StatusOK, body)
	return nil
}

// withMeta adds meta's fields to the JSON object obj, in front.
func withMeta(meta any, obj []byte) ([]byte, error) {
	head, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	obj = bytes.TrimSpace(obj)
	if len(obj) < 2 || obj[0] != '{' {
		return nil, errors.New("stored result is not a JSON object")
	}
	out := make([]byte, 0, len(head)+len(obj)+1)
	out = append(out, head[:len(head)-1]...)
	if rest := bytes.TrimSpace(obj[1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, obj[1:]...), nil
}

// resultFormat is the format of a result response: ?format= when given, else the best the
// Accept header takes of JSON and Markdown; 406 when it takes neither.
func resultFormat(c *gin.Context) (string, error) {
	if f, ok := c.GetQuery("format"); ok {
		if f != "json" && f != "markdown" {
			return "", badQuery("format", fmt.Sprintf("format: got %q, want json or markdown%s", f, server.DidYouMean(f, []string{"json", "markdown"})))
		}
		return f, nil
	}
	switch negotiate(c.GetHeader("Accept"), mediaJSON, "text/markdown") {
	case mediaJSON:
		return "json", nil
	case "text/markdown":
		return "markdown", nil
	}
	return "", &server.Error{Status: http.StatusNotAcceptable, Type: "/problems/not-acceptable", Title: "Not acceptable",
		Detail: "This resource is available as application/json and text/markdown; send an Accept header that takes one of them, or ?format=json|markdown."}
}

// negotiate returns the first of offers (in the server's order of preference) that the
// Accept header rates highest, or "" when it accepts none. No header accepts anything.
func negotiate(accept string, offers ...string) string {
	if strings.TrimSpace(accept) == "" {
		return offers[0]
	}
	best, bestQ := "", 0.0
	for _, offer := range offers {
		q := 0.0
		specificity := -1
		for part := range strings.SplitSeq(accept, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			spec := 0
			switch {
			case mt == offer:
				spec = 2
			case strings.HasSuffix(mt, "/*") && strings.HasPrefix(offer, strings.TrimSuffix(mt, "*")):
				spec = 1
			case mt == "*/*":
			default:
				continue
			}
			if spec < specificity {
				continue
			}
			pq := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					pq = f
				}
			}
			q, specificity = pq, spec
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}

// markdownReport is the result as a Markdown document for the client: the advisor's report
// headed by the assessment's label.
func markdownReport(adv *advisor.Advisor, a *store.Assessment, rec *advisor.Recommendation) ([]byte, error) {
	var md bytes.Buffer
	if err := advisor.Markdown(&md, rec, adv.Questionnaire(), a.UpdatedAt.Format("2 January 2006")); err != nil {
		return nil, err
	}
	out := md.Bytes()
	if a.Label != "" {
		// The advisor's report opens with its title line; the client's name goes under it.
		title, rest, _ := bytes.Cut(out, []byte("\n"))
		head := fmt.Sprintf("%s\n\n**Client:** %s  \n**Assessment:** %s, revision %d\n", title, markdownEscaper.Replace(a.Label), a.ID, a.Revision)
		out = append([]byte(head), rest...)
	}
	return out, nil
}

// markdownEscaper escapes the characters that would make a label Markdown markup.
var markdownEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, "`", "\\`", `[`, `\[`, `]`, `\]`, `<`, `&lt;`, `#`, `\#`, `|`, `\|`)

// unsafeName matches what a file name should not hold.
var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// reportName is the file name of an assessment's Markdown report: its label made safe, or
// its ID, and the revision.
func reportName(a *store.Assessment) string {
	name := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(a.Label), "-"), "-")
	if len(name) > 60 {
		name = strings.TrimRight(name[:60], "-")
	}
	if name == "" {
		name = a.ID
	}
	return fmt.Sprintf("ciam-recommendation-%s-r%d.md", name, a.Revision)
}

// reevaluation is the body of POST …/reevaluate.
type reevaluation struct {
	ID               string           `json:"id"`
	Revision         int              `json:"revision"`
	PreviousRevision int              `json:"previous_revision"`
	Versions         advisor.Versions `json:"versions"`
	PreviousVersions advisor.Versions `json:"previous_versions"`
	Changed          bool             `json:"changed"`
	// Changes is advisor.Compare of the previous result and the new one (the diff of
	// `advisor diff`); null when there was no previous result.
	Changes *advisor.Change         `json:"changes"`
	Result  *advisor.Recommendation `json:"result"`
}

// apiReevaluate computes the assessment's result afresh with the content loaded now, records
// it as a new revision and returns what changed against the previous result.
func (s *handlers) apiReevaluate(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	var none struct{}
	if err := decodeBody(c, &none, true); err != nil {
		return err
	}
	id := c.Param("id")
	if !server.ValidID(id) {
		return server.ErrNotFound
	}
	adv := s.content.Current()
	out := reevaluation{ID: id, Versions: adv.Versions()}
	var prev *advisor.Recommendation
	a, err := s.store.ModifyAssessment(c.Request.Context(), server.APIKey(c).ID, id, func(cur *store.Assessment) (string, error) {
		if err := server.CheckIfMatch(c.GetHeader("If-Match"), cur); err != nil {
			return "", err
		}
		out.PreviousRevision, out.PreviousVersions = cur.Revision, server.VersionsOf(cur)
		if len(cur.Result) > 0 {
			var err error
			if prev, err = server.DecodeResult(cur.Result); err != nil {
				return "", err
			}
		}
		raw, err := server.AnswersOf(cur)
		if err != nil {
			return "", err
		}
		rec, err := s.srv.Evaluate(adv, raw, advisor.Options{Counterfactuals: true})
		if he := server.AsError(server.Unrepresentable(err)); err != nil && he.Status == http.StatusUnprocessableEntity {
			return "", errIncomplete(he.Fields)
		}
		if err != nil {
			return "", err
		}
		out.Result = rec
		return "reevaluate", server.SetResult(cur, adv, rec)
	})
	if err != nil {
		return err
	}
	s.srv.CountUse(c.Request.Context(), adv, server.AnalyticsUse{Result: out.Result}) // a recorded result; the answers are as they were
	out.Revision = a.Revision
	if prev != nil {
		ch := advisor.Compare(prev, out.Result)
		out.Changes, out.Changed = &ch, !ch.Empty()
	} else {
		out.Changed = true
	}
	c.Header("Location", fmt.Sprintf("%s/revisions/%d", assessmentPath(id), a.Revision))
	c.Header("ETag", server.ETagOf(a))
	return writeJSON(c, http.StatusCreated, out)
}

// revisionSummary is one revision in the list.
type revisionSummary struct {
	Revision     int              `json:"revision"`
	Cause        string           `json:"cause"`
	ComputedAt   time.Time        `json:"computed_at"`
	Label        string           `json:"label"`
	Complete     bool             `json:"complete"`
	Architecture *string          `json:"architecture"`
	Approach     *string          `json:"approach"`
	Leader       *string          `json:"leader"`
	Versions     advisor.Versions `json:"versions"`
}

// revisionJSON is one revision in full.
type revisionJSON struct {
	revisionSummary
	Answers json.RawMessage `json:"answers"`
	Result  json.RawMessage `json:"result"`
}

// apiRevisions lists the assessment's revisions, newest first.
func (s *handlers) apiRevisions(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	id := c.Param("id")
	if !server.ValidID(id) {
		return server.ErrNotFound
	}
	revs, err := s.store.Revisions(c.Request.Context(), server.APIKey(c).ID, id)
	if err != nil {
		return err
	}
	out := struct {
		Items []revisionSummary `json:"items"`
	}{Items: make([]revisionSummary, len(revs))}
	for i := range revs {
		out.Items[i] = revisionOf(&revs[i])
	}
	return writeJSON(c, http.StatusOK, out)
}

// apiRevision shows one revision with its answers and result.
func (s *handlers) apiRevision(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	id := c.Param("id")
	n, err := strconv.Atoi(c.Param("n"))
	if !server.ValidID(id) || err != nil || n < 1 {
		return server.ErrNotFound
	}
	r, err := s.store.GetRevision(c.Request.Context(), server.APIKey(c).ID, id, n)
	if err != nil {
		return err
	}
	out := revisionJSON{revisionSummary: revisionOf(r), Answers: r.Answers, Result: r.Result}
	if len(out.Result) == 0 {
		out.Result = json.RawMessage("null")
	}
	return writeJSON(c, http.StatusOK, out)
}

func revisionOf(r *store.Revision) revisionSummary {
	return revisionSummary{Revision: r.Number, Cause: r.Cause, ComputedAt: r.ComputedAt, Label: r.Label, Complete: r.Result != nil,
		Architecture: nonEmpty(r.Headline.Architecture), Approach: nonEmpty(r.Headline.Approach), Leader: nonEmpty(r.Headline.Leader),
		Versions: advisor.Versions{Questionnaire: r.QuestionnaireVersion, RuleSet: r.RulesetVersion}}
}

// answerDifference is one question answered differently by two assessments.
type answerDifference struct {
	Question string `json:"question"`
	A        any    `json:"a"` // null when unanswered
	B        any    `json:"b"`
}

// comparison is the body of GET /assessments/compare.
type comparison struct {
	A       assessmentJSON     `json:"a"`
	B       assessmentJSON     `json:"b"`
	Answers []answerDifference `json:"answers"`
	// Result is advisor.Compare(a's result, b's result); null unless both have one.
	Result *advisor.Change `json:"result"`
}

// apiCompareAssessments shows two of the caller's assessments side by side with the answers
// they differ in and how b's result differs from a's.
func (s *handlers) apiCompareAssessments(c *gin.Context) error {
	if err := onlyQuery(c, "a", "b"); err != nil {
		return err
	}
	var pair [2]*store.Assessment
	for i, name := range []string{"a", "b"} {
		id := c.Query(name)
		if id == "" {
			return badQuery(name, name+": required, the ID of one of your assessments")
		}
		if !server.ValidID(id) {
			return server.ErrNotFound
		}
		a, err := s.store.GetAssessment(c.Request.Context(), server.APIKey(c).ID, id)
		if err != nil {
			return err
		}
		pair[i] = a
	}
	adv := s.content.Current()
	out := comparison{A: s.view(adv, pair[0]), B: s.view(adv, pair[1]), Answers: []answerDifference{}}
	answersA, err := server.AnswersOf(pair[0])
	if err != nil {
		return err
	}
	answersB, err := server.AnswersOf(pair[1])
	if err != nil {
		return err
	}
	for _, id := range questionOrder(adv.Questionnaire(), answersA, answersB) {
		va, vb := answersA[id], answersB[id]
		if !server.SameJSON(va, vb) {
			out.Answers = append(out.Answers, answerDifference{Question: id, A: va, B: vb})
		}
	}
	if len(pair[0].Result) > 0 && len(pair[1].Result) > 0 {
		ra, err := server.DecodeResult(pair[0].Result)
		if err != nil {
			return err
		}
		rb, err := server.DecodeResult(pair[1].Result)
		if err != nil {
			return err
		}
		ch := advisor.Compare(ra, rb)
		out.Result = &ch
	}
	return writeJSON(c, http.StatusOK, out)
}

// questionOrder lists the question IDs answered in any of the answer sets, in questionnaire
// order, then the ones the questionnaire no longer has.
func questionOrder(q *questionnaire.Questionnaire, sets ...map[string]any) []string {
	seen := map[string]bool{}
	var ids []string
	for _, qn := range q.Questions() {
		for _, set := range sets {
			if _, ok := set[qn.ID]; ok && !seen[qn.ID] {
				seen[qn.ID] = true
				ids = append(ids, qn.ID)
			}
		}
	}
	var rest []string
	for _, set := range sets {
		for id := range set {
			if !seen[id] {
				seen[id] = true
				rest = append(rest, id)
			}
		}
	}
	slices.Sort(rest)
	return append(ids, rest...)
}

// Export media types.
const (
	mediaNDJSON = "application/x-ndjson"
	mediaCSV    = "text/csv"
)

// apiExportAssessments streams all of the caller's assessments that match the portfolio's
// filters, oldest first unless sorted otherwise: as NDJSON (one assessment, with its result,
// per line) or CSV (one headline and answers per row), chosen by ?format= or Accept. It reads
// the database a page at a time, so memory stays flat whatever the portfolio's size.
func (s *handlers) apiExportAssessments(c *gin.Context) error {
	opt, err := s.listOptions(c, "format")
	if err != nil {
		return err
	}
	if opt.Sort == "" {
		opt.Sort = "created_at"
	}
	format := c.Query("format")
	c.Header("Vary", "Accept")
	switch format {
	case "":
		switch negotiate(c.GetHeader("Accept"), mediaNDJSON, mediaCSV) {
		case mediaNDJSON:
			format = "ndjson"
		case mediaCSV:
			format = "csv"
		default:
			return &server.Error{Status: http.StatusNotAcceptable, Type: "/problems/not-acceptable", Title: "Not acceptable",
				Detail: "The export is available as application/x-ndjson and text/csv; send an Accept header that takes one of them, or ?format=ndjson|csv."}
		}
	case "ndjson", "csv":
	default:
		return badQuery("format", fmt.Sprintf("format: got %q, want ndjson or csv%s", format, server.DidYouMean(format, []string{"ndjson", "csv"})))
	}
	ctx, adv := c.Request.Context(), s.content.Current()
	opt.Limit = maxPage
	items, next, err := s.store.ListAssessments(ctx, opt) // the first page before any byte: its errors are clean
	if err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	stamp := time.Now().UTC().Format("20060102")
	var write func(*store.Assessment) error
	var flush func()
	if format == "ndjson" {
		h.Set("Content-Type", mediaNDJSON)
		h.Set("Content-Disposition", `attachment; filename="assessments-`+stamp+`.ndjson"`)
		enc := json.NewEncoder(c.Writer)
		write = func(a *store.Assessment) error { return enc.Encode(s.view(adv, a)) }
		flush = c.Writer.Flush
	} else {
		h.Set("Content-Type", mediaCSV+"; charset=utf-8; header=present")
		h.Set("Content-Disposition", `attachment; filename="assessments-`+stamp+`.csv"`)
		w := csv.NewWriter(c.Writer)
		questions := adv.Questionnaire().Questions()
		head := []string{"id", "label", "complete", "stale", "architecture", "approach", "leader",
			"leader_three_year_cost_low", "leader_three_year_cost_high", "revision", "questionnaire_version", "ruleset_version", "created_at", "updated_at"}
		for _, qn := range questions {
			head = append(head, qn.ID)
		}
		if err := w.Write(head); err != nil {
			return err
		}
		write = func(a *store.Assessment) error { return w.Write(csvRow(adv, a, questions)) }
		flush = func() { w.Flush(); c.Writer.Flush() }
	}
	c.Status(http.StatusOK)
	for {
		for i := range items {
			if err := write(&items[i]); err != nil {
				s.log.Warn("export: writing stopped", "err", err)
				return nil // the client went away; the status is sent already
			}
		}
		flush()
		if next == "" {
			return nil
		}
		opt.Cursor = next
		if items, next, err = s.store.ListAssessments(ctx, opt); err != nil {
			// Too late for a problem response: the body is cut short, which a reader of
			// NDJSON or CSV sees as a missing final line break or row count.
			s.log.Error("export: reading failed", "err", err)
			return nil
		}
	}
}

// csvRow is the CSV row of an assessment: its headline, then one column per question of the
// questionnaire loaded now (several choices separated by "; ").
func csvRow(adv *advisor.Advisor, a *store.Assessment, questions []*questionnaire.Question) []string {
	sm := summary(adv, a)
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	low, high := "", ""
	if sm.LeaderCost != nil {
		low, high = strconv.FormatFloat(sm.LeaderCost.Low, 'f', -1, 64), strconv.FormatFloat(sm.LeaderCost.High, 'f', -1, 64)
	}
	row := []string{a.ID, spreadsheetSafe(a.Label), strconv.FormatBool(sm.Complete), strconv.FormatBool(sm.Stale),
		str(sm.Architecture), str(sm.Approach), str(sm.Leader), low, high, strconv.Itoa(a.Revision),
		a.QuestionnaireVersion, a.RulesetVersion, a.CreatedAt.Format(time.RFC3339), a.UpdatedAt.Format(time.RFC3339)}
	answers, _ := server.AnswersOf(a)
	for _, qn := range questions {
		row = append(row, csvValue(answers[qn.ID]))
	}
	return row
}

// csvValue writes an answer in a CSV cell.
func csvValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return spreadsheetSafe(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = csvValue(x)
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}

// spreadsheetSafe keeps a spreadsheet from reading free text as a formula (CSV injection).
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
