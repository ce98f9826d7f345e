import Foundation

/// An SVG line chart of one sweep: training ms/step against the swept value, both axes
/// logarithmic, one line per (cell, device). Written by hand: no plotting dependency.
public enum SweepChart {
    public static func svg(_ records: [BenchmarkRecord], sweep: SweepKind, title: String) -> String {
        let points = records.filter { $0.sweep == sweep.rawValue && $0.sweepValue != nil && $0.trainMsMedian > 0 }
        let (width, height) = (720.0, 440.0)
        let (left, right, top, bottom) = (70.0, 170.0, 40.0, 50.0)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="24" font-size="15">\(escape(title))</text>

        """
        guard !points.isEmpty else { return svg + "<text x=\"\(left)\" y=\"80\">no data</text>\n</svg>\n" }
        let xs = points.map { Double($0.sweepValue!) }, ys = points.map(\.trainMsMedian)
        let (xMin, xMax) = (log10(xs.min()!), log10(Swift.max(xs.max()!, xs.min()! * 2)))
        let (yMin, yMax) = (floor(log10(ys.min()!)), ceil(log10(Swift.max(ys.max()!, ys.min()! * 1.5))))
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (log10(x) - xMin) / Swift.max(xMax - xMin, 1e-9) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (log10(y) - yMin) / Swift.max(yMax - yMin, 1e-9) * plotH }
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#888\"/>\n"
        for decade in Int(yMin)...Int(yMax) {
            let y = py(pow(10, Double(decade)))
            svg += "<line x1=\"\(left)\" y1=\"\(f(y))\" x2=\"\(left + plotW)\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 8)\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(format(pow(10, Double(decade))))</text>\n"
        }
        for x in Set(xs).sorted() {
            svg += "<text x=\"\(f(px(x)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Int(x))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(escape(sweep.axisTitle))</text>\n"
        svg += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">training ms/step (median)</text>\n"
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
        let series = Dictionary(grouping: points) { "\($0.cell ?? "?") \($0.device)" }
        for (index, name) in series.keys.sorted().enumerated() {
            let line = series[name]!.sorted { $0.sweepValue! < $1.sweepValue! }
            let color = colors[index % colors.count]
            let path = line.map { "\(f(px(Double($0.sweepValue!)))),\(f(py($0.trainMsMedian)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            for p in line { svg += "<circle cx=\"\(f(px(Double(p.sweepValue!))))\" cy=\"\(f(py(p.trainMsMedian)))\" r=\"3\" fill=\"\(color)\"/>" }
            let ly = top + 10 + Double(index) * 18
            svg += "\n<line x1=\"\(f(left + plotW + 12))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 32))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(f(left + plotW + 38))\" y=\"\(f(ly + 4))\">\(escape(name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
    static func format(_ value: Double) -> String { value >= 1 ? String(Int(value.rounded())) : String(format: "%g", value) }
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
