//go:build ignore

// genicon draws the application icon, assets/icon.png: an open book on a calm
// teal rounded square. Run from the repository root: go run assets/genicon.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // supersampling per axis, for smooth edges
)

func roundedRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

// page is one half of the open book: a quadrilateral whose top edge curves down
// towards the spine.
func page(x, y float64, left bool) bool {
	mid := 256.0
	if left {
		x = 2*mid - x // mirror the right page
	}
	if x < mid+6 || x > 420 {
		return false
	}
	t := (x - mid) / (420 - mid)
	top := 150 + 30*(1-t)*(1-t)
	bottom := 380 + 22*(1-t)*(1-t)
	return y >= top && y <= bottom
}

func line(x, y float64, left bool) bool {
	mid := 256.0
	if left {
		x = 2*mid - x
	}
	if x < mid+40 || x > 390 {
		return false
	}
	t := (x - mid) / (420 - mid)
	for i := 0; i < 5; i++ {
		base := 195 + float64(i)*36 + 30*(1-t)*(1-t)
		if y >= base && y <= base+9 {
			return true
		}
	}
	return false
}

func main() {
	bg := color.NRGBA{0x2a, 0x7a, 0x78, 0xff}    // teal
	paper := color.NRGBA{0xfb, 0xf8, 0xf0, 0xff} // warm white
	ink := color.NRGBA{0x9c, 0xc9, 0xc4, 0xff}   // pale teal lines
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := float64(px) + (float64(sx)+0.5)/ss
					y := float64(py) + (float64(sy)+0.5)/ss
					var c color.NRGBA
					switch {
					case !roundedRect(x, y, 16, 16, 496, 496, 96):
						continue
					case line(x, y, true) || line(x, y, false):
						c = ink
					case page(x, y, true) || page(x, y, false):
						c = paper
					default:
						c = bg
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a += 255
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			// Straight (non-premultiplied) colour of the covered samples.
			cov := a / 255
			img.SetNRGBA(px, py, color.NRGBA{uint8(r / cov), uint8(g / cov), uint8(b / cov), uint8(a / n)})
		}
	}
	f, err := os.Create("assets/icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
