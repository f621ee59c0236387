package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infogain-dev/infogain/cases"
)

// Plot size: wide enough for a legend of eight implementations beside the
// curves, and readable when shown inline in report.md.
const (
	plotWidth   = 7 * vg.Inch
	plotHeight  = 4.5 * vg.Inch
	legendWidth = 2.2 * vg.Inch
)

// Bins of the log-scale x axes: a logit spread s goes to bin
// round(spreadBinsPerDecade·log10 s) (so the grid's spreads 10^(k/2) are
// bin centres), a class count C to round(classBinsPerDecade·log10 C).
const (
	spreadBinsPerDecade = 2
	classBinsPerDecade  = 4
)

// The y axis of every error plot is log10 of the floored scaled error
// (grade.go): an error of at most 10^yMinDecade (0 included) is drawn at
// yMinDecade, a finite one of at least 10^yMaxDecade at yMaxDecade, and a
// NaN, ±Inf or error where the reference is finite in the band at
// yBandDecade, above the axis' finite range, drawn grey and labelled.
const (
	yMinDecade  = -2
	yMaxDecade  = 18
	yBandDecade = 20
)

// cdfStepDecades is the step of the x axis of the CDF plots.
const cdfStepDecades = 0.125

// gridOrdinarySpread is the largest spread of the grid cases the "vs C"
// plots use: ordinary logits, where error growth with C is not hidden by
// the catastrophes of wide spreads (which the spread plots show).
const gridOrdinarySpread = 10

// dodgeDecades shifts the points of the n-th series sideways by
// (n − (N−1)/2)·dodgeDecades so that equal values of several
// implementations stay visible side by side.
const dodgeDecades = 0.03

// okabeIto is the colour-blind-safe palette of Okabe and Ito (2008),
// without its yellow (unreadable on white), in the order the series use
// it.
var okabeIto = []color.Color{
	color.RGBA{0x00, 0x72, 0xB2, 0xff}, // blue
	color.RGBA{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	color.RGBA{0x00, 0x9E, 0x73, 0xff}, // bluish green
	color.RGBA{0xE6, 0x9F, 0x00, 0xff}, // orange
	color.RGBA{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	color.RGBA{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	color.RGBA{0x00, 0x00, 0x00, 0xff}, // black
}

var (
	bandColor  = color.Gray{Y: 0xe4}
	boundColor = color.Gray{Y: 0x40}
)

// figure is one plot of the report, rendered to both formats.
type figure struct {
	// Name is the file name without extension.
	Name string
	// Alt is the image's alt text; Caption one line under it in report.md
	// saying how to read it.
	Alt     string
	Caption string
	SVG     []byte
	PNG     []byte
}

// measure picks the error a plot shows from a score.
type measure struct {
	name   string // "loss" or "gradient"
	value  func(*CaseScore) float64
	scored func(*CaseScore) bool
	bound  float64 // the standard's bound in the same units
}

var (
	lossMeasure = measure{"loss", func(s *CaseScore) float64 { return s.Graded.Loss },
		func(s *CaseScore) bool { return s.LossScored }, standardLossScaled}
	gradMeasure = measure{"gradient", func(s *CaseScore) float64 { return s.Graded.Grad },
		func(s *CaseScore) bool { return s.GradScored }, standardGrad}
)

// failed reports whether a scored output of s is NaN, ±Inf or missing (an
// error) where the reference's is finite.
func failed(s *CaseScore) bool { return s.NonFinite || s.Err != "" }

// yOf maps an error to the y axis (log10, clamped; the band for a
// failure).
func yOf(s *CaseScore, m measure) float64 {
	if failed(s) {
		return yBandDecade
	}
	v := m.value(s)
	if v <= 0 {
		return yMinDecade
	}
	return min(max(math.Log10(v), yMinDecade), yMaxDecade)
}

// figures renders every plot of the report, per dtype: the scaled errors
// of the loss and of the gradient against the logit spread (spread-grid
// family) and against C (one panel per family that varies C), and the CDF
// of the scaled gradient errors. The reference is left out (it scores 0 by
// definition).
func (r *Report) figures() ([]figure, error) {
	var figs []figure
	hasGrid := slices.Contains(r.Meta.Families, GridFamily)
	var classFams []string
	for _, f := range []string{GridFamily, "many-classes", "moderate"} {
		if slices.Contains(r.Meta.Families, f) {
			classFams = append(classFams, f)
		}
	}
	for _, dt := range r.Meta.DTypes {
		type spec struct {
			name, alt, caption string
			build              func() (*chart, error)
		}
		var specs []spec
		band := "points in the grey top band are NaN, ±Inf or errors where the exact result is finite"
		if hasGrid {
			for _, m := range []measure{lossMeasure, gradMeasure} {
				specs = append(specs, spec{
					m.name[:4] + "_vs_spread_" + string(dt),
					fmt.Sprintf("Scaled %s error vs logit spread, %s family, %s", m.name, GridFamily, dt),
					fmt.Sprintf("How to read: each point is the worst scaled %s error (error / (u·condition)) of the %s cases in a half-decade bin of logit spread max(x) − min(x); "+
						"at or below the dashed line (%g) is within the standard, higher grows with the regime; %s.", m.name, GridFamily, m.bound, band),
					func() (*chart, error) { return r.spreadPlot(dt, m) }})
			}
		}
		if len(classFams) > 0 {
			for _, m := range []measure{lossMeasure, gradMeasure} {
				specs = append(specs, spec{
					m.name[:4] + "_vs_classes_" + string(dt),
					fmt.Sprintf("Scaled %s error vs number of classes C, families that vary C, %s", m.name, dt),
					fmt.Sprintf("How to read: one panel per family that varies C (%s only at spreads ≤ %d); each point is the worst scaled %s error of a quarter-decade bin of C; "+
						"the dashed line is the standard (%g), the dotted line the acceptable bound 16 + 4C; %s (many-classes has masked rows with −Inf logits).", GridFamily, gridOrdinarySpread, m.name, m.bound, band),
					func() (*chart, error) { return r.classPlot(dt, m, classFams) }})
			}
		}
		specs = append(specs, spec{
			"grad_cdf_" + string(dt),
			fmt.Sprintf("CDF of the scaled gradient errors over every scored case, %s", dt),
			fmt.Sprintf("How to read: for each implementation, the fraction of scored cases whose worst scaled gradient error is at most x; "+
				"a curve reaching 1 left of the dashed line (%g) is within the standard everywhere; the step into the grey band on the right is the share of NaN, ±Inf or errors.", standardGrad),
			func() (*chart, error) { return r.cdfPlot(dt) }})
		for _, s := range specs {
			p, err := s.build()
			if err != nil {
				return nil, fmt.Errorf("reports: plot %s: %v", s.name, err)
			}
			f := figure{Name: s.name, Alt: s.alt, Caption: s.caption}
			if f.SVG, err = render(p, "svg"); err != nil {
				return nil, err
			}
			if f.PNG, err = render(p, "png"); err != nil {
				return nil, err
			}
			figs = append(figs, f)
		}
	}
	return figs, nil
}

// chart is one or more panels side by side with one legend kept apart:
// render draws the legend to the right of the axes, where it never hides
// a curve.
type chart struct {
	ps  []*plot.Plot
	leg plot.Legend
	// series holds each panel's series until decorate adds them over the
	// band, the grid and the bounds.
	series [][]plot.Plotter
	// seen records the legend entries already added (one per series name
	// across panels).
	seen map[string]bool
}

func newChart(panels int) *chart {
	ch := &chart{leg: plot.NewLegend(), seen: map[string]bool{}}
	ch.leg.ThumbnailWidth = vg.Points(28)
	for range panels {
		ch.ps = append(ch.ps, plot.New())
	}
	ch.series = make([][]plot.Plotter, panels)
	return ch
}

func render(ch *chart, format string) ([]byte, error) {
	cw, err := draw.NewFormattedCanvas(plotWidth+legendWidth, plotHeight, format)
	if err != nil {
		return nil, err
	}
	dc := draw.New(cw)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	area := draw.Crop(dc, 0, -legendWidth, 0, 0)
	n := len(ch.ps)
	w := plotWidth / vg.Length(n)
	for i, p := range ch.ps {
		left := w * vg.Length(i)
		p.Draw(draw.Crop(area, left, -(plotWidth - left - w), 0, 0))
	}
	ch.leg.Top, ch.leg.Left = true, true
	ch.leg.Draw(draw.Crop(dc, plotWidth+vg.Points(6), 0, 0, -vg.Points(24)))
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// plotted returns the implementations drawn in the plots, in report order.
func (r *Report) plotted() []int {
	var ks []int
	for k, im := range r.Impls {
		if im.Name != r.Meta.Reference {
			ks = append(ks, k)
		}
	}
	return ks
}

// binned returns, per bin of log10(v) (perDecade bins per decade), the
// worst y of the scores of implementation k that keep accepts.
func (r *Report) binned(k int, m measure, perDecade float64, v func(*CaseScore) float64, keep func(*CaseScore) bool) plotter.XYs {
	nImpl := len(r.Impls)
	worst := map[int]float64{}
	for i := k; i < len(r.Scores); i += nImpl {
		s := &r.Scores[i]
		if !keep(s) || !(m.scored(s) || failed(s)) || s.Class == RefRejected {
			continue
		}
		x := v(s)
		if x <= 0 {
			continue
		}
		b := int(math.Round(perDecade * math.Log10(x)))
		y := yOf(s, m)
		if cur, ok := worst[b]; !ok || y > cur {
			worst[b] = y
		}
	}
	bins := slices.Sorted(maps.Keys(worst))
	xys := make(plotter.XYs, len(bins))
	for i, b := range bins {
		xys[i].X = float64(b) / perDecade
		xys[i].Y = worst[b]
	}
	return xys
}

// spreadPlot draws, per implementation, the worst scaled error of m over
// the grid cases of dtype dt in each half-decade bin of the logit spread.
func (r *Report) spreadPlot(dt cases.DType, m measure) (*chart, error) {
	ch := newChart(1)
	p := ch.ps[0]
	p.Title.Text = fmt.Sprintf("%s: scaled error vs logit spread (%s family, %s)", m.name, GridFamily, dt)
	p.X.Label.Text = "logit spread max(x) − min(x) (log scale)"
	p.Y.Label.Text = m.name + " error / (u·condition), log scale"
	lo, hi := math.Inf(1), math.Inf(-1)
	ks := r.plotted()
	for n, k := range ks {
		xys := r.binned(k, m, spreadBinsPerDecade, func(s *CaseScore) float64 { return s.Spread },
			func(s *CaseScore) bool { return s.DType == dt && s.Family == GridFamily })
		for _, xy := range xys {
			lo, hi = math.Min(lo, xy.X), math.Max(hi, xy.X)
		}
		if err := ch.addSeries(0, n, len(ks), r.Impls[k].Name, xys); err != nil {
			return nil, err
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	p.X.Min, p.X.Max = lo-0.5/spreadBinsPerDecade, hi+0.5/spreadBinsPerDecade
	p.X.Tick.Marker = decadeTicks{}
	if err := ch.decorate(0, m.bound, nil); err != nil {
		return nil, err
	}
	return ch, nil
}

// classPlot draws one panel per family of fams: the worst scaled error of
// m in each quarter-decade bin of C (grid cases only at spreads up to
// gridOrdinarySpread), with the standard and the acceptable bound.
func (r *Report) classPlot(dt cases.DType, m measure, fams []string) (*chart, error) {
	ch := newChart(len(fams))
	ks := r.plotted()
	for i, fam := range fams {
		p := ch.ps[i]
		p.Title.Text = fam
		if fam == GridFamily {
			p.Title.Text = fmt.Sprintf("%s, spread ≤ %d", fam, gridOrdinarySpread)
		}
		p.X.Label.Text = "classes C (log scale)"
		if i == 0 {
			p.Y.Label.Text = fmt.Sprintf("%s error / (u·condition), %s", m.name, dt)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for n, k := range ks {
			xys := r.binned(k, m, classBinsPerDecade, func(s *CaseScore) float64 { return float64(s.C) },
				func(s *CaseScore) bool {
					return s.DType == dt && s.Family == fam && (fam != GridFamily || s.Spread <= gridOrdinarySpread)
				})
			for _, xy := range xys {
				lo, hi = math.Min(lo, xy.X), math.Max(hi, xy.X)
			}
			if err := ch.addSeries(i, n, len(ks), r.Impls[k].Name, xys); err != nil {
				return nil, err
			}
		}
		if lo > hi {
			lo, hi = 0, 1
		}
		p.X.Min, p.X.Max = lo-0.5/classBinsPerDecade, hi+0.5/classBinsPerDecade
		p.X.Tick.Marker = decadeTicks{}
		accept := plotter.XYs{}
		for x := p.X.Min; x <= p.X.Max+1e-9; x += 0.05 {
			accept = append(accept, plotter.XY{X: x, Y: math.Log10(acceptableScaled(int(math.Round(math.Pow(10, x)))))})
		}
		if err := ch.decorate(i, m.bound, accept); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

// cdfPlot draws, per implementation, the fraction of scored cases of dtype
// dt whose floored scaled gradient error is at most x.
func (r *Report) cdfPlot(dt cases.DType) (*chart, error) {
	ch := newChart(1)
	p := ch.ps[0]
	p.Title.Text = fmt.Sprintf("CDF of scaled gradient errors (%s, every family)", dt)
	p.X.Label.Text = "gradient error / (u·condition) of the worst component, log scale"
	p.Y.Label.Text = "fraction of scored cases with error ≤ x"
	nImpl := len(r.Impls)
	ks := r.plotted()
	for n, k := range ks {
		var ys []float64
		for i := k; i < len(r.Scores); i += nImpl {
			s := &r.Scores[i]
			if s.DType == dt && s.GradScored {
				ys = append(ys, yOf(s, gradMeasure))
			}
		}
		if len(ys) == 0 {
			continue
		}
		slices.Sort(ys)
		var xys plotter.XYs
		for x := float64(yMinDecade); x <= yBandDecade+1e-9; x += cdfStepDecades {
			at, _ := slices.BinarySearch(ys, x+1e-12) // cases with y ≤ x
			xys = append(xys, plotter.XY{X: x, Y: float64(at) / float64(len(ys))})
		}
		if err := ch.addLine(n, r.Impls[k].Name, xys); err != nil {
			return nil, err
		}
	}
	p.X.Min, p.X.Max = yMinDecade-0.2, yBandDecade+1
	p.X.Tick.Marker = errorTicks{}
	p.Y.Min, p.Y.Max = 0, 1.02
	// The failure band, vertical here, and the standard's bound.
	if err := ch.addRect(0, yMaxDecade+1, yBandDecade+1, 0, 1.02); err != nil {
		return nil, err
	}
	b := math.Log10(standardGrad)
	if err := ch.addBoundLine(0, plotter.XYs{{X: b, Y: 0}, {X: b, Y: 1.02}}, "standard bound", []vg.Length{vg.Points(5), vg.Points(3)}); err != nil {
		return nil, err
	}
	ch.legendBand()
	p.Add(ch.series[0]...)
	return ch, nil
}

// decorate sets the error y axis of panel i and draws its failure band,
// the standard's bound and, if not nil, the acceptable bound.
func (ch *chart) decorate(i int, bound float64, accept plotter.XYs) error {
	p := ch.ps[i]
	p.Y.Min, p.Y.Max = yMinDecade-0.5, yBandDecade+1
	p.Y.Tick.Marker = errorTicks{unlabelled: i > 0}
	if err := ch.addRect(i, p.X.Min, p.X.Max, yMaxDecade+1, yBandDecade+1); err != nil {
		return err
	}
	b := math.Log10(bound)
	if err := ch.addBoundLine(i, plotter.XYs{{X: p.X.Min, Y: b}, {X: p.X.Max, Y: b}}, "standard bound", []vg.Length{vg.Points(5), vg.Points(3)}); err != nil {
		return err
	}
	if accept != nil {
		if err := ch.addBoundLine(i, accept, "acceptable: 16 + 4C", []vg.Length{vg.Points(1), vg.Points(2)}); err != nil {
			return err
		}
	}
	ch.legendBand()
	p.Add(ch.series[i]...)
	return nil
}

// addRect shades the failure band of panel i, drawn under the series.
func (ch *chart) addRect(i int, x0, x1, y0, y1 float64) error {
	poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
	if err != nil {
		return err
	}
	poly.Color = bandColor
	poly.LineStyle.Width = 0
	ch.ps[i].Add(poly, plotter.NewGrid())
	return nil
}

// legendBand adds the band's legend entry once.
func (ch *chart) legendBand() {
	if ch.seen["\x00band"] {
		return
	}
	ch.seen["\x00band"] = true
	poly, _ := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}})
	poly.Color = bandColor
	poly.LineStyle.Width = 0
	ch.leg.Add("NaN/Inf/error (band)", poly)
}

func (ch *chart) addBoundLine(i int, xys plotter.XYs, name string, dashes []vg.Length) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color, l.Dashes, l.Width = boundColor, dashes, vg.Points(1)
	ch.ps[i].Add(l)
	if !ch.seen[name] {
		ch.seen[name] = true
		ch.leg.Add(name, l)
	}
	return nil
}

// style returns the colour and glyph of the n-th plotted series: seven
// colours and eight glyphs, so that no two of the first 56 series look
// alike.
func style(n int) (color.Color, draw.GlyphDrawer) {
	return okabeIto[n%len(okabeIto)], plotutil.Shape(n)
}

// seriesDashes gives the n-th series one of four line styles, so that
// curves that overlap stay distinguishable.
func seriesDashes(n int) []vg.Length { return plotutil.Dashes(n % 4) }

// addSeries draws a line with markers in panel i for the n-th of N
// series, dodged sideways (dodgeDecades).
func (ch *chart) addSeries(i, n, N int, name string, xys plotter.XYs) error {
	if len(xys) == 0 {
		return nil
	}
	off := (float64(n) - float64(N-1)/2) * dodgeDecades
	d := make(plotter.XYs, len(xys))
	for j, xy := range xys {
		d[j] = plotter.XY{X: xy.X + off, Y: xy.Y}
	}
	l, s, err := plotter.NewLinePoints(d)
	if err != nil {
		return err
	}
	c, g := style(n)
	l.Color, l.Dashes, l.Width = c, seriesDashes(n), vg.Points(1.3)
	s.Color, s.Shape, s.Radius = c, g, vg.Points(3)
	ch.series[i] = append(ch.series[i], l, s)
	if !ch.seen[name] {
		ch.seen[name] = true
		ch.leg.Add(name, l, s)
	}
	return nil
}

func (ch *chart) addLine(n int, name string, xys plotter.XYs) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	c, _ := style(n)
	l.Color, l.Dashes, l.Width = c, seriesDashes(n), vg.Points(1.6)
	ch.series[0] = append(ch.series[0], l)
	if !ch.seen[name] {
		ch.seen[name] = true
		ch.leg.Add(name, l)
	}
	return nil
}

// errorTicks labels the log10 error axis: powers of ten every other
// decade, "≤0.01" at the bottom (0 included), "≥1e18" at the top of the
// finite range and "NaN/Inf" in the failure band.
// With unlabelled (a panel right of the first) the ticks stay, the labels go.
type errorTicks struct{ unlabelled bool }

func (e errorTicks) Ticks(lo, hi float64) []plot.Tick {
	var t []plot.Tick
	for k := yMinDecade; k <= yMaxDecade; k++ {
		switch {
		case k == yMinDecade:
			t = append(t, plot.Tick{Value: float64(k), Label: "≤0.01"})
		case k == yMaxDecade:
			t = append(t, plot.Tick{Value: float64(k), Label: "≥1e18"})
		case k%3 == 0:
			t = append(t, plot.Tick{Value: float64(k), Label: fmt.Sprintf("1e%d", k)})
		default:
			t = append(t, plot.Tick{Value: float64(k)})
		}
	}
	t = append(t, plot.Tick{Value: yBandDecade, Label: "NaN/Inf"})
	if e.unlabelled {
		for i := range t {
			t[i].Label = ""
		}
	}
	return t
}

// decadeTicks labels the integers of an axis of log10 values as powers of
// ten, at most about eight labels whatever the range, with unlabelled ticks
// at every decade in between when there are few enough to see.
type decadeTicks struct{}

func (d decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	a, b := int(math.Ceil(lo)), int(math.Floor(hi))
	step := max(1, (b-a+8)/8)
	var t []plot.Tick
	for k := a; k <= b; k++ {
		switch {
		case k%step == 0:
			t = append(t, plot.Tick{Value: float64(k), Label: fmt.Sprintf("1e%d", k)})
		case b-a <= 40:
			t = append(t, plot.Tick{Value: float64(k)})
		}
	}
	return t
}
