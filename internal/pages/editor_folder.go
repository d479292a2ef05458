package pages

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/scenario"
)

// The workbench's working-folder view, GET /editor/folder: with `serve --content DIR`, the
// content in DIR as it is on disk now, loaded beside the content serving (never swapped in),
// compared with it scenario by scenario through advisor.DiffAnswers (the engine of `advisor
// diff`), checked as `advisor validate` checks it, and its scenarios' coverage as `advisor test
// --coverage` reports it. Without a folder, the checks and coverage are those of the content
// serving now. The server reloads the folder itself when its files change and its scenarios
// pass, so the diff shows an edit not yet reloaded or one the reload refused.

// folderMaxAge is the age past which content counts as stale: validate's default.
const folderMaxAge = 365 * 24 * time.Hour

// folderItemsShown caps the changes listed per scenario, to keep the page small; `advisor
// diff` lists them all.
const folderItemsShown = 20

// folderView is the data of editor-folder.html.
type folderView struct {
	basePage
	KeyName string
	Dir     string // the working folder, "" when the server serves its embedded copy
	Serving advisor.Versions
	Checked *advisor.Versions // the content checked below: the folder's, or the serving content's
	Refused []editorProblem   // the server's latest reload failed with these
	// LoadProblems: the folder does not load, for these reasons; nothing else is shown.
	LoadProblems []editorProblem
	Cases        int          // scenarios compared
	Changed      []folderCase // those whose advice differs
	Problems     []editorProblem
	Stale        []editorProblem
	StaleSummary string
	MaxAgeDays   int
	Passed       int
	Failed       int
	Coverage     *scenario.Coverage
}

// editorProblem is one diagnostic, its place written file:line:col as an editor's tools take it.
type editorProblem struct {
	Place, Rule, Message, Snippet string
}

// folderCase is one scenario whose advice the folder changes.
type folderCase struct {
	Name     string
	Error    string // evaluates under one content set only, or fails differently
	Headline []string
	Items    []string
	More     int // changes not listed
}

func problems(l diag.List) []editorProblem {
	out := make([]editorProblem, len(l))
	for i, d := range l {
		place := d.File
		if d.Line > 0 {
			place += ":" + strconv.Itoa(d.Line)
			if d.Column > 0 {
				place += ":" + strconv.Itoa(d.Column)
			}
		}
		out[i] = editorProblem{Place: place, Rule: d.Rule, Message: d.Message, Snippet: d.Snippet}
	}
	return out
}

func (w *webApp) editorFolder(c *gin.Context) error {
	k, err := w.editorSession(c)
	if err != nil {
		return err
	}
	if k == nil {
		c.Redirect(http.StatusSeeOther, "/editor")
		return nil
	}
	// One evaluation slot for the whole view: it evaluates every scenario three times.
	release, err := w.gate.Acquire()
	if err != nil {
		return err
	}
	defer release()

	serving := w.content.Current()
	st := w.content.Status()
	v := folderView{basePage: basePage{Title: "Working folder – Editor workbench", NoIndex: true},
		KeyName: k.Name, Dir: st.Dir, Serving: serving.Versions(), Refused: problems(st.Problems()),
		MaxAgeDays: int(folderMaxAge.Hours() / 24)}
	checked := serving
	if st.Dir != "" {
		src, err := advisor.Dir(st.Dir)
		if err == nil {
			checked, err = advisor.Load(src)
		}
		if err != nil {
			var l diag.List
			if !errors.As(err, &l) {
				l = diag.List{{File: st.Dir, Message: err.Error()}}
			}
			v.LoadProblems = problems(l)
			return w.renderFolder(c, v)
		}
		if err := w.folderDiff(&v, serving, checked); err != nil {
			return err
		}
	}
	vers := checked.Versions()
	v.Checked = &vers
	suite, err := scenario.RunSuite(checked)
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) {
			return err
		}
		v.Problems = problems(l)
		return w.renderFolder(c, v)
	}
	v.Problems = problems(suite.Problems)
	for _, r := range suite.Results {
		if len(r.Failures) > 0 {
			v.Failed++
		}
	}
	v.Passed = len(suite.Results) - v.Failed
	stale := checked.Stale(time.Now(), folderMaxAge)
	v.StaleSummary = stale.FileSummary(3)
	v.Stale = problems(stale)
	for i := range v.Stale {
		v.Stale[i].Snippet = "" // the line of a date says no more than the message
	}
	cov := scenario.Cover(checked.Rules, suite.Results)
	v.Coverage = &cov
	return w.renderFolder(c, v)
}

// folderDiff compares the folder's content with the serving content over the scenarios of both.
func (w *webApp) folderDiff(v *folderView, serving, folder *advisor.Advisor) error {
	list, err := scenario.Union(serving, folder)
	if err != nil {
		var l diag.List
		if errors.As(err, &l) {
			v.LoadProblems = problems(l)
			return nil
		}
		return err
	}
	v.Cases = len(list)
	for _, s := range list {
		answers, err := json.Marshal(s.Answers)
		if err != nil {
			return fmt.Errorf("%s: %w", s.File, err)
		}
		ch, failed := advisor.DiffAnswers(serving, folder, answers)
		if ch == nil && failed == "" {
			continue
		}
		fc := folderCase{Name: s.Name, Error: failed}
		if ch != nil {
			for _, d := range []struct {
				what string
				d    *advisor.Delta
			}{{"architecture", ch.Architecture}, {"approach", ch.Approach}, {"leader", ch.Leader}} {
				if d.d != nil {
					fc.Headline = append(fc.Headline, fmt.Sprintf("%s: %s → %s", d.what, orNone(d.d.From), orNone(d.d.To)))
				}
			}
			for _, it := range ch.Items {
				if it.What == "choice" || it.Area == "leader" && it.What == "vendor" {
					continue // in the headline
				}
				if len(fc.Items) == folderItemsShown {
					fc.More++
					continue
				}
				fc.Items = append(fc.Items, it.String())
			}
		}
		v.Changed = append(v.Changed, fc)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (w *webApp) renderFolder(c *gin.Context, v folderView) error {
	c.Header("Cache-Control", "no-store")
	return w.ui.render(c.Writer, http.StatusOK, "editor-folder", v)
}
