/** A size in terminal cells. */
export interface CellBox {
  columns: number;
  rows: number;
}

/**
 * The largest box of cells inside `maxColumns × maxRows` with the image's aspect ratio, counting
 * a cell as one pixel wide and `cellAspect` pixels tall (terminal cells are about twice as tall as
 * wide; a half-block row shows two square pixels). Never wider than the image has pixels: blowing a
 * 64-pixel picture up to 200 columns only draws bigger squares, and costs more bytes to send.
 * Empty (0 × 0) when there is no room at all.
 */
export function fitImage(
  imageWidth: number,
  imageHeight: number,
  maxColumns: number,
  maxRows: number,
  cellAspect = 2,
): CellBox {
  const availableColumns = Math.floor(maxColumns);
  const availableRows = Math.floor(maxRows);
  if (availableColumns < 1 || availableRows < 1 || imageWidth < 1 || imageHeight < 1) {
    return { columns: 0, rows: 0 };
  }
  const pixelsPerRow = cellAspect > 0 ? cellAspect : 2;
  let columns = Math.min(availableColumns, imageWidth);
  let rows = Math.max(1, Math.round((columns * imageHeight) / (imageWidth * pixelsPerRow)));
  if (rows > availableRows) {
    rows = availableRows;
    columns = Math.max(1, Math.min(columns, Math.round((rows * pixelsPerRow * imageWidth) / imageHeight)));
  }
  return { columns, rows };
}
