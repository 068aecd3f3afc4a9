"""Investment projects (招商项目) from lead to full production, their deadlines, agreements and statistics."""
