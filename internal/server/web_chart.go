package server

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
		left  = 8.0
		right = width - 16
		rowH  = 46.0 // label line, then the bar
		barH  = 16.0
		top   = 8.0
	)
	v := chartView{Width: width, Left: left, Right: right,
		Title: "Three-year cost of each option",
		Desc: "One bar per option spans the low to the high estimate of its cost over three years, in US dollars" +
			"; a vertical line marks your budget over three years where you gave one. The table that follows gives the same figures."}
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
		v.Bars = append(v.Bars, chartBar{X: lo, Y: y + 20, W: max(hi-lo, 3), H: barH, LabelY: y + 14,
			Series: o.Series, Name: o.Name, Label: advisor.MoneyRange(o.Range[0], o.Range[1])})
	}
	v.AxisY = top + float64(len(opts))*rowH + 14
	for t := 0.0; t <= xMax+step/2; t += step {
		v.Ticks = append(v.Ticks, chartTick{X: x(t), Label: advisor.Money(t)})
	}
	if budget != nil {
		v.Budget = &chartBudget{X: x(*budget * 3), Y1: top, Y2: v.AxisY - 12, LabelY: v.AxisY + 18,
			Label: "Budget " + advisor.Money(*budget*3)}
	}
	v.Height = v.AxisY + 26
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
