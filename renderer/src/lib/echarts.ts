import { BarChart, BoxplotChart, CustomChart, LineChart, ScatterChart } from "echarts/charts";
import { DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

/** ECharts with only the charts and parts the window uses (bundled; nothing loaded at run time). */
echarts.use([BarChart, BoxplotChart, CustomChart, LineChart, ScatterChart, DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
export type { EChartsCoreOption as ChartOption } from "echarts/core";
