package pages

import (
	"math"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// The cost chart is an inline SVG drawn on the server: one horizontal bar per option (the
// finalists, the stay option, self-hosting, building) spanning its three-year low–high cost,
// labelled on its own row so it stays legible on a phone, with the buyer's budget as a line.
// Colours come from classes in app.css (the CSP forbids inline style), and the same figures are
// in a table next to it.

type chartView struct {
	Width, Height float64
	Left, Right   float64 // plot area, x
	Title, Desc   string
	Ticks         []chartTick
	Bars          []chartBar
	Budget        *chartBudget
	AxisY         float64
}

type chartTick struct {
	X     float64
	Label string
}

type chartBar struct {
	X, Y, W, H float64
	LabelY     float64
	Series     int
	Name       string
	Label      string // the figure, also the tooltip
}

type chartBudget struct {
	X, Y1, Y2, LabelY float64
	Label             string
	End               bool // the label ends at the line (the line is near the right edge)
}

// chartOption is one row of the chart.
type chartOption struct {
	Name   string
	Range  [2]float64
	Series int // 0 vendor, 1 stay, 2 self-host, 3 build
}

func costChart(opts []chartOption, budget *float64) chartView {
	const (
		width = 640.0
		left  = 20.0
		right = width - 40 // room for half the last tick's label, which is centred on its tick
		rowH  = 56.0       // label line, then the bar; the labels grow on a phone (app.css)
		barH  = 16.0
	)
	top := 8.0
	if budget != nil {
		top = 34 // the budget's label sits above the bars
	}
	v := chartView{Width: width, Left: left, Right: right,
		Title: "Three-year cost of each option",
		Desc:  "One bar per option from its low to its high three-year estimate in US dollars. The table below has the figures."}
	if len(opts) == 0 {
		return v
	}
	top3 := 0.0
	for _, o := range opts {
		top3 = max(top3, o.Range[1])
	}
	if budget != nil {
		top3 = max(top3, *budget*3)
	}
	step := niceStep(top3, 4)
	xMax := math.Ceil(top3/step) * step
	if xMax <= 0 {
		xMax = step
	}
	x := func(f float64) float64 { return left + (right-left)*f/xMax }
	for i, o := range opts {
		y := top + float64(i)*rowH
		lo, hi := x(o.Range[0]), x(o.Range[1])
		v.Bars = append(v.Bars, chartBar{X: lo, Y: y + 30, W: max(hi-lo, 3), H: barH, LabelY: y + 20,
			Series: o.Series, Name: o.Name, Label: advisor.MoneyRange(o.Range[0], o.Range[1])})
	}
	v.AxisY = top + float64(len(opts))*rowH + 8
	for t := 0.0; t <= xMax+step/2; t += step {
		v.Ticks = append(v.Ticks, chartTick{X: x(t), Label: advisor.Money(t)})
	}
	if budget != nil {
		v.Desc += " A dashed line marks your budget over three years."
		bx := x(*budget * 3)
		v.Budget = &chartBudget{X: bx, Y1: top - 8, Y2: v.AxisY, LabelY: top - 14,
			Label: "Your budget: " + advisor.Money(*budget*3), End: bx > left+(right-left)*0.6}
	}
	v.Height = v.AxisY + 34
	return v
}

// niceStep is a round tick interval (1, 2, 2.5 or 5 times a power of ten) giving at most about
// n intervals up to top.
func niceStep(top float64, n int) float64 {
	if top <= 0 {
		return 1
	}
	raw := top / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}
