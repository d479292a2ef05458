package server

import (
	"math"
	"strconv"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// The cost chart is an inline SVG drawn on the server: for each of the three years, one
// floating bar per pricing model spanning its low–high yearly cost. The template turns the
// geometry below into elements; colours come from classes in app.css (the CSP forbids inline
// style), and the same figures are in a table next to it.

type chartView struct {
	Width, Height float64
	Left, Right   float64 // plot area, x
	Top, Bottom   float64 // plot area, y
	TickX         float64 // right edge of the axis labels
	LegendTextX   float64
	Title, Desc   string
	Ticks         []chartTick
	Groups        []chartGroup
	Bars          []chartBar
	Legend        []chartLegend
}

type chartTick struct {
	Y, LabelY float64
	Label     string
}

type chartGroup struct {
	X, Y  float64 // centre of the label
	Label string
}

type chartBar struct {
	X, Y, W, H float64
	Series     int
	Label      string // tooltip
}

type chartLegend struct {
	Y, SwatchY float64
	Series     int
	Label      string
}

const chartSeriesColours = 6 // .c0 … .c5 in app.css

func costChart(c advisor.CostProjection) chartView {
	const (
		width   = 640.0
		left    = 64.0
		right   = width - 8
		top     = 10.0
		plotH   = 210.0
		legendH = 20.0
	)
	bottom := top + plotH
	v := chartView{
		Width: width, Left: left, Right: right, Top: top, Bottom: bottom, TickX: left - 6, LegendTextX: left + 18,
		Title: "Yearly cost per pricing model, years one to three",
		Desc: "For each of the three years, one bar per pricing model spans the low to the high " +
			"estimate of that year's cost, in US dollars. The table that follows gives the same figures.",
	}
	if len(c.Models) == 0 {
		return v
	}
	top3 := 0.0
	for _, m := range c.Models {
		for _, y := range m.Years {
			top3 = max(top3, y.High)
		}
	}
	step := niceStep(top3, 5)
	yMax := math.Ceil(top3/step) * step
	if yMax <= 0 {
		yMax = step
	}
	y := func(f float64) float64 { return bottom - plotH*f/yMax }
	for t := 0.0; t <= yMax+step/2; t += step {
		v.Ticks = append(v.Ticks, chartTick{Y: y(t), LabelY: y(t) + 4, Label: advisor.Money(t)})
	}

	groupW := (right - left) / 3
	barW := groupW * 0.84 / float64(len(c.Models))
	for g := range 3 {
		x0 := left + float64(g)*groupW + groupW*0.08
		v.Groups = append(v.Groups, chartGroup{X: left + (float64(g)+0.5)*groupW, Y: bottom + 18, Label: "Year " + strconv.Itoa(g+1)})
		for i, m := range c.Models {
			r := m.Years[g]
			hi, lo := y(r.High), y(r.Low)
			v.Bars = append(v.Bars, chartBar{
				X: x0 + float64(i)*barW + barW*0.12, W: barW * 0.76,
				Y: hi, H: max(lo-hi, 2), // a fixed cost is a range of zero height: keep it visible
				Series: i % chartSeriesColours,
				Label:  "Year " + strconv.Itoa(g+1) + ", " + m.Title + ": " + advisor.MoneyRange(r.Low, r.High),
			})
		}
	}
	ly := bottom + 34
	for i, m := range c.Models {
		v.Legend = append(v.Legend, chartLegend{Y: ly + float64(i)*legendH, SwatchY: ly + float64(i)*legendH - 11, Series: i % chartSeriesColours, Label: m.Title})
	}
	v.Height = ly + float64(len(c.Models))*legendH
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
