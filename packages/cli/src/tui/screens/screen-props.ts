/** What every screen is given: whether it is the one on top (and so gets the keys), and its box. */
export interface ScreenProps {
  active: boolean;
  width: number;
  height: number;
}
