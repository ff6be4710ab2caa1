// Ant Design's theme from the dashboard's palette (theme.ts), so antd's
// controls and the hand-made cards and charts look like one product.
import type { ThemeConfig } from 'antd';
import { FONT_FAMILY, colors } from './theme';

export const antdTheme: ThemeConfig = {
  token: {
    colorPrimary: colors.primary,
    colorText: colors.text,
    colorTextSecondary: colors.textSecondary,
    colorBorder: colors.border,
    colorBgLayout: colors.background,
    colorSuccess: colors.good,
    colorError: colors.bad,
    fontFamily: FONT_FAMILY,
    fontSize: 14,
    borderRadius: 6,
  },
  components: {
    Layout: { headerBg: 'transparent', headerHeight: 56, headerPadding: '0 28px', bodyBg: colors.background },
    Menu: { itemBg: colors.surface, horizontalItemSelectedColor: colors.primary },
  },
};
