import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables } from 'chart.js';
import PDFDocument from 'pdfkit';

/**
 * The simulators' drawing libraries, in one module that charts.ts imports only when a chart is drawn:
 * the canvas and PDFKit are devDependencies, absent from the production image (Chart.js is there, for
 * the playground, but draws nothing without a canvas).
 */
Chart.register(...registerables);

export { Chart, createCanvas, PDFDocument };
